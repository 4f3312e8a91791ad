{#
    One row per message that joined two identifiers that already existed apart: both had been seen
    on earlier messages, and this message is the first to carry them together (accepted links only).
    Such a message is when two profiles that existed before it became one. A link between two
    identifiers already joined through other identifiers also appears (an upper bound on merges;
    docs/identity.md).
#}

with

links as (
    select * from {{ ref('int_identity__links') }}
),

group_profiles as (
    select * from {{ ref('int_identity__group_profiles') }}
),

identifier_groups as (
    select distinct
        group_key,
        group_first_seen_at
    from {{ ref('int_identity__identifier_groups') }}
),

profile_ids as (
    select * from {{ ref('int_identity__profile_ids') }}
    where is_active
),

merging_links as (
    select
        profile_ids.profile_id,
        links.first_linked_at as merged_at,
        links.first_event_id as event_id,
        links.first_from_identifier_type as identifier_type,
        links.first_from_identifier_value as identifier_value,
        links.first_to_identifier_type as merged_identifier_type,
        links.first_to_identifier_value as merged_identifier_value
    from links
    inner join group_profiles as group_a
        on links.group_key_a = group_a.group_key
    inner join group_profiles as group_b
        on links.group_key_b = group_b.group_key
    inner join identifier_groups as seen_a
        on links.group_key_a = seen_a.group_key
    inner join identifier_groups as seen_b
        on links.group_key_b = seen_b.group_key
    inner join profile_ids
        on group_a.profile_key = profile_ids.profile_key
    where
        group_a.profile_key = group_b.profile_key
        and seen_a.group_first_seen_at < links.first_linked_at
        and seen_b.group_first_seen_at < links.first_linked_at
)

select
    {{ dbt.hash(
        "event_id || '|' || identifier_type || ':' || identifier_value || '|'"
        ~ " || merged_identifier_type || ':' || merged_identifier_value"
    ) }} as merge_id,
    *
from merging_links
