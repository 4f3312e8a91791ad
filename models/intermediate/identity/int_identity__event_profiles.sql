{#
    One row per event of int_events_deduplicated: the profile_id its events belong to. The input
    fct_events and fct_orders join for their profile_id. How an event finds its profile:
    int_identity__event_profile_keys; events without a usable identifier get a profile of their own.
#}

with

event_profile_keys as (
    select * from {{ ref('int_identity__event_profile_keys') }}
),

profile_ids as (
    select * from {{ ref('int_identity__profile_ids') }}
    where is_active
),

event_profiles as (
    select
        event_profile_keys.event_id,
        coalesce(
            profile_ids.profile_id,
            'prf_' || substr({{ dbt.hash("'event:' || event_profile_keys.event_id") }}, 1, 20)
        ) as profile_id,
        event_profile_keys.attribution
    from event_profile_keys
    left join profile_ids
        on event_profile_keys.profile_key = profile_ids.profile_key
)

select * from event_profiles
