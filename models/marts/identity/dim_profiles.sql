{%- set counted_types = ['user_id', 'email', 'phone', 'anonymous_id', 'device_id', 'advertising_id', 'ga_client_id'] -%}
{#
    One row per profile: the unified customer. Profile ids are stable across rebuilds; ids retired
    by a merge are in profile_id_map.
#}

with

event_profiles as (
    select * from {{ ref('int_identity__event_profiles') }}
),

events as (
    select
        event_id,
        event_at
    from {{ ref('int_events_deduplicated') }}
),

profile_identifiers as (
    select * from {{ ref('profile_identifiers') }}
),

profile_ids as (
    select * from {{ ref('int_identity__profile_ids') }}
    where is_active
),

event_activity as (
    select
        event_profiles.profile_id,
        min(events.event_at) as first_event_at,
        max(events.event_at) as last_event_at,
        count(*) as event_count
    from event_profiles
    inner join events
        on event_profiles.event_id = events.event_id
    group by event_profiles.profile_id
),

ranked_identifiers as (
    select
        profile_identifiers.*,
        row_number() over (
            partition by profile_identifiers.profile_id, profile_identifiers.identifier_type
            order by profile_identifiers.last_seen_at desc, profile_identifiers.identifier_value asc
        ) as recency_rank
    from profile_identifiers
),

identifier_summary as (
    select
        ranked_identifiers.profile_id,
        min(ranked_identifiers.first_seen_at) as first_identifier_seen_at,
        max(ranked_identifiers.last_seen_at) as last_identifier_seen_at,
        count(*) as identifier_count,
        {%- for identifier_type in counted_types %}
            sum(case when ranked_identifiers.identifier_type = '{{ identifier_type }}' then 1 else 0 end)
                as {{ identifier_type }}_count,
        {%- endfor %}
        sum(
            case
                when
                    ranked_identifiers.identifier_type in ('crm_id', 'loyalty_id', 'marketplace_customer_id')
                    then 1
                else 0
            end
        )
            as external_id_count,
        max(case
            when ranked_identifiers.identifier_type = 'user_id' and ranked_identifiers.recency_rank = 1
                then ranked_identifiers.identifier_value
        end) as primary_user_id,
        max(case
            when ranked_identifiers.identifier_type = 'email' and ranked_identifiers.recency_rank = 1
                then ranked_identifiers.identifier_value
        end) as primary_email,
        max(case
            when ranked_identifiers.identifier_type = 'phone' and ranked_identifiers.recency_rank = 1
                then ranked_identifiers.identifier_value
        end) as primary_phone
    from ranked_identifiers
    group by ranked_identifiers.profile_id
),

all_profiles as (
    select profile_id from event_activity
    union
    select profile_id from identifier_summary
),

profiles as (
    select
        all_profiles.profile_id,
        case
            when
                identifier_summary.first_identifier_seen_at < event_activity.first_event_at
                or event_activity.first_event_at is null
                then identifier_summary.first_identifier_seen_at
            else event_activity.first_event_at
        end as first_seen_at,
        case
            when
                identifier_summary.last_identifier_seen_at > event_activity.last_event_at
                or event_activity.last_event_at is null
                then identifier_summary.last_identifier_seen_at
            else event_activity.last_event_at
        end as last_seen_at,
        cast(coalesce(event_activity.event_count, 0) as {{ dbt.type_bigint() }}) as event_count,
        cast(coalesce(identifier_summary.identifier_count, 0) as {{ dbt.type_bigint() }}) as identifier_count,
        {%- for identifier_type in counted_types %}
            cast(coalesce(identifier_summary.{{ identifier_type }}_count, 0) as {{ dbt.type_bigint() }})
                as {{ identifier_type }}_count,
        {%- endfor %}
        cast(coalesce(identifier_summary.external_id_count, 0) as {{ dbt.type_bigint() }}) as external_id_count,
        identifier_summary.primary_user_id,
        identifier_summary.primary_email,
        identifier_summary.primary_phone,
        identifier_summary.primary_user_id is not null as is_known_user,
        profile_ids.seed_identifier_type,
        profile_ids.seed_identifier_value,
        profile_ids.first_issued_at as profile_id_issued_at
    from all_profiles
    left join event_activity
        on all_profiles.profile_id = event_activity.profile_id
    left join identifier_summary
        on all_profiles.profile_id = identifier_summary.profile_id
    left join profile_ids
        on all_profiles.profile_id = profile_ids.profile_id
)

select * from profiles
