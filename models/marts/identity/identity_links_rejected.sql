{#
    One row per rejected link or blocked identifier value, with the rule that rejected it:
      - limit: a link the limits did not let through (its two identifiers are in different
        profiles; the candidate component would have held more values of a type than allowed);
      - blocked_value / invalid_format: an identifier value never matched (junk, placeholder,
        unparseable email or phone), once per raw value.
#}

with

links as (
    select * from {{ ref('int_identity__links') }}
),

group_profiles as (
    select * from {{ ref('int_identity__group_profiles') }}
),

occurrences as (
    select * from {{ ref('int_identity__identifier_occurrences') }}
    where blocked_rule is not null
),

limit_rejections as (
    select
        'limit' as rejection_kind,
        links.first_from_identifier_type as identifier_type,
        links.first_from_identifier_value as identifier_value,
        links.first_to_identifier_type as linked_identifier_type,
        links.first_to_identifier_value as linked_identifier_value,
        links.first_event_id as event_id,
        links.first_linked_at as rejected_at,
        links.message_count,
        group_a.broken_rules as rule
    from links
    inner join group_profiles as group_a
        on links.group_key_a = group_a.group_key
    inner join group_profiles as group_b
        on links.group_key_b = group_b.group_key
    where group_a.profile_key <> group_b.profile_key
),

ranked_blocked as (
    select
        occurrences.*,
        row_number() over (
            partition by occurrences.identifier_type, occurrences.raw_value
            order by occurrences.event_at, occurrences.event_id
        ) as sighting_number,
        count(*) over (partition by occurrences.identifier_type, occurrences.raw_value) as message_count
    from occurrences
),

blocked_rejections as (
    select
        case when ranked_blocked.blocked_rule = 'invalid_format' then 'invalid_format' else 'blocked_value' end
            as rejection_kind,
        ranked_blocked.identifier_type,
        ranked_blocked.raw_value as identifier_value,
        cast(null as {{ dbt.type_string() }}) as linked_identifier_type,
        cast(null as {{ dbt.type_string() }}) as linked_identifier_value,
        ranked_blocked.event_id,
        ranked_blocked.event_at as rejected_at,
        ranked_blocked.message_count,
        ranked_blocked.blocked_rule as rule
    from ranked_blocked
    where ranked_blocked.sighting_number = 1
),

rejections as (
    select * from limit_rejections
    union all
    select * from blocked_rejections
)

select
    {{ dbt.hash(
        "rejection_kind || '|' || identifier_type || ':' || identifier_value || '|'"
        ~ " || coalesce(linked_identifier_type, '') || ':' || coalesce(linked_identifier_value, '')"
    ) }} as rejected_link_id,
    *
from rejections
