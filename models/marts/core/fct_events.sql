{# One row per staged event (deduplicated, valid), with its profile, canonical names and UTC event time. #}

with

events as (
    select * from {{ ref('int_events_deduplicated') }}
),

event_profiles as (
    select * from {{ ref('int_identity__event_profiles') }}
),

final as (
    select
        events.event_id,
        event_profiles.profile_id,
        events.message_type,
        events.event_name,
        events.event_name_original,
        events.is_ecommerce_event,
        events.screen_or_page_name,
        events.event_at,
        {{ dbt.cast('events.event_at', 'date') }} as event_date,
        events.received_at,
        events.is_future_event,
        events.user_id,
        events.anonymous_id,
        events.previous_id,
        events.group_id,
        events.email,
        events.phone,
        events.device_id,
        events.advertising_id,
        events.order_id,
        events.revenue,
        events.value,
        events.currency,
        events.page_url,
        events.page_path,
        events.page_referrer,
        events.page_title,
        events.page_search,
        events.utm_source,
        events.utm_medium,
        events.utm_campaign,
        events.utm_term,
        events.utm_content,
        events.device_type,
        events.os_name,
        events.os_version,
        events.app_name,
        events.app_version,
        events.ip,
        events.user_agent,
        events.locale,
        events.timezone,
        events.library_name,
        events.library_version,
        events.properties,
        events.traits,
        events.context,
        events.external_ids,
        events.consent_preferences,
        events.source_name,
        events.source_file,
        events.line_number
    from events
    left join event_profiles
        on events.event_id = event_profiles.event_id
)

select * from final
