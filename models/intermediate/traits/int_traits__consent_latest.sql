{#
    One row per profile with at least one event before cdp_as_of() carrying
    context.consent.categoryPreferences: the categories of the latest such event (event_at, then
    received_at, then event_id break ties). The latest record wins as a whole: a category missing
    from it, or not the JSON value true (or the text 'true'), is false, as Segment counts it.
#}

with

events as (
    select
        event_id,
        profile_id,
        event_at,
        received_at,
        consent_preferences
    from {{ ref('fct_events') }}
    where
        consent_preferences is not null
        and profile_id is not null
        and {{ cdp_before_as_of('event_at') }}
),

events_ranked as (
    select
        event_id,
        profile_id,
        event_at,
        consent_preferences,
        row_number() over (
            partition by profile_id order by event_at desc, received_at desc, event_id desc
        ) as recency_rank
    from events
),

latest as (
    select
        profile_id,
        event_id as consent_event_id,
        event_at as consent_updated_at,
        consent_preferences,
        coalesce(
            lower(trim({{ cdp_json_extract_string('consent_preferences', '$.marketing') }})) = 'true', false
        ) as consent_marketing,
        coalesce(
            lower(trim({{ cdp_json_extract_string('consent_preferences', '$.advertising') }})) = 'true', false
        ) as consent_advertising,
        coalesce(
            lower(trim({{ cdp_json_extract_string('consent_preferences', '$.analytics') }})) = 'true', false
        ) as consent_analytics
    from events_ranked
    where recency_rank = 1
)

select * from latest
