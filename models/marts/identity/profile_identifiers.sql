{#
    One row per profile and identifier value. A mergeable identifier (user_id, email, anonymous_id...)
    belongs to exactly one profile; an identifier that never merges (group_id) is listed on every
    profile whose events carry it.
#}

with

identifier_groups as (
    select * from {{ ref('int_identity__identifier_groups') }}
),

group_profiles as (
    select * from {{ ref('int_identity__group_profiles') }}
),

profile_ids as (
    select * from {{ ref('int_identity__profile_ids') }}
    where is_active
),

identifiers as (
    select * from {{ ref('int_identity__identifiers') }}
),

occurrences as (
    select * from {{ ref('int_identity__identifier_occurrences') }}
    where blocked_rule is null and not can_merge
),

event_profiles as (
    select * from {{ ref('int_identity__event_profiles') }}
),

mergeable as (
    select
        profile_ids.profile_id,
        identifier_groups.identifier_type,
        identifier_groups.identifier_value,
        identifier_groups.first_seen_at,
        identifier_groups.last_seen_at,
        identifier_groups.event_count,
        identifier_groups.first_source as source,
        group_profiles.resolution
    from identifier_groups
    inner join group_profiles
        on identifier_groups.group_key = group_profiles.group_key
    inner join profile_ids
        on group_profiles.profile_key = profile_ids.profile_key
),

non_mergeable as (
    select
        event_profiles.profile_id,
        occurrences.identifier_type,
        occurrences.identifier_value,
        min(occurrences.event_at) as first_seen_at,
        max(occurrences.event_at) as last_seen_at,
        count(*) as event_count,
        min(identifiers.first_source) as source,
        'on_events' as resolution
    from occurrences
    inner join event_profiles
        on occurrences.event_id = event_profiles.event_id
    inner join identifiers
        on occurrences.node_key = identifiers.node_key
    group by event_profiles.profile_id, occurrences.identifier_type, occurrences.identifier_value
),

profile_identifiers as (
    select * from mergeable
    union all
    select * from non_mergeable
)

select
    {{ dbt.hash("profile_id || '|' || identifier_type || ':' || identifier_value") }} as profile_identifier_id,
    profile_id,
    identifier_type,
    identifier_value,
    first_seen_at,
    last_seen_at,
    cast(event_count as {{ dbt.type_bigint() }}) as event_count,
    source,
    resolution
from profile_identifiers
