{#
    One row per profile id ever issued, with the identifier that seeded it and where it points now.
    Kept across builds (incremental, reads its own previous state) so that ids are stable:
      - a profile keeps the id of the earliest-issued id whose seed identifier it holds (on a merge
        the older profile id survives and the other is retired with surviving_profile_id set);
      - a profile holding no seed issued before gets a new id: 'prf_' + md5 of its earliest-seen
        identifier (type:value), so a rebuild from scratch over the same data gives the same ids.
#}
{#- the build time stamps issued and retired ids; var cdp__identity_build_time pins it (tests, replays) -#}
{%- set build_time = var('cdp__identity_build_time', none) -%}
{%- set build_time_sql = (
    "cast('" ~ build_time ~ "' as " ~ dbt.type_timestamp() ~ ")" if build_time else cdp_current_timestamp_utc()
) -%}
{{ config(
    materialized='incremental',
    unique_key='profile_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

identifier_groups as (
    select * from {{ ref('int_identity__identifier_groups') }}
),

group_profiles as (
    select * from {{ ref('int_identity__group_profiles') }}
),

identifier_profiles as (
    select
        identifier_groups.identifier_type,
        identifier_groups.identifier_value,
        identifier_groups.first_seen_at,
        identifier_groups.priority,
        group_profiles.profile_key
    from identifier_groups
    inner join group_profiles
        on identifier_groups.group_key = group_profiles.group_key
),

previously_issued as (
    {%- if is_incremental() %}
    select
        profile_id,
        seed_identifier_type,
        seed_identifier_value,
        first_issued_at,
        retired_at
    from {{ this }}
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as profile_id,
            cast(null as {{ dbt.type_string() }}) as seed_identifier_type,
            cast(null as {{ dbt.type_string() }}) as seed_identifier_value,
            cast(null as {{ dbt.type_timestamp() }}) as first_issued_at,
            cast(null as {{ dbt.type_timestamp() }}) as retired_at
        where 1 = 0
    {%- endif %}
),

issued_in_profiles as (
    select
        previously_issued.*,
        identifier_profiles.profile_key,
        identifier_profiles.first_seen_at as seed_first_seen_at,
        row_number() over (
            partition by identifier_profiles.profile_key
            order by previously_issued.first_issued_at, identifier_profiles.first_seen_at, previously_issued.profile_id
        ) as issue_rank
    from previously_issued
    inner join identifier_profiles
        on
            previously_issued.seed_identifier_type = identifier_profiles.identifier_type
            and previously_issued.seed_identifier_value = identifier_profiles.identifier_value
),

earliest_identifiers as (
    select
        identifier_profiles.*,
        row_number() over (
            partition by identifier_profiles.profile_key
            order by
                identifier_profiles.first_seen_at,
                identifier_profiles.priority,
                identifier_profiles.identifier_type,
                identifier_profiles.identifier_value
        ) as seen_rank
    from identifier_profiles
),

active_ids as (
    select
        earliest_identifiers.profile_key,
        coalesce(
            kept.profile_id,
            'prf_'
            || substr(
                {{ dbt.hash("earliest_identifiers.identifier_type || ':' || earliest_identifiers.identifier_value") }},
                1,
                20
            )
        ) as profile_id,
        coalesce(kept.seed_identifier_type, earliest_identifiers.identifier_type) as seed_identifier_type,
        coalesce(kept.seed_identifier_value, earliest_identifiers.identifier_value) as seed_identifier_value,
        coalesce(kept.first_issued_at, {{ build_time_sql }}) as first_issued_at
    from earliest_identifiers
    left join issued_in_profiles as kept
        on
            earliest_identifiers.profile_key = kept.profile_key
            and kept.issue_rank = 1
    where earliest_identifiers.seen_rank = 1
),

retired_ids as (
    select
        previously_issued.profile_id,
        previously_issued.seed_identifier_type,
        previously_issued.seed_identifier_value,
        previously_issued.first_issued_at,
        coalesce(previously_issued.retired_at, {{ build_time_sql }}) as retired_at,
        issued_in_profiles.profile_key
    from previously_issued
    left join active_ids
        on previously_issued.profile_id = active_ids.profile_id
    left join issued_in_profiles
        on previously_issued.profile_id = issued_in_profiles.profile_id
    where active_ids.profile_id is null
),

all_ids as (
    select
        active_ids.profile_id,
        active_ids.seed_identifier_type,
        active_ids.seed_identifier_value,
        active_ids.first_issued_at,
        cast(null as {{ dbt.type_timestamp() }}) as retired_at,
        active_ids.profile_key,
        true as is_active,
        active_ids.profile_id as surviving_profile_id
    from active_ids
    union all
    select
        retired_ids.profile_id,
        retired_ids.seed_identifier_type,
        retired_ids.seed_identifier_value,
        retired_ids.first_issued_at,
        retired_ids.retired_at,
        retired_ids.profile_key,
        false as is_active,
        active_ids.profile_id as surviving_profile_id
    from retired_ids
    left join active_ids
        on retired_ids.profile_key = active_ids.profile_key
)

select * from all_ids
