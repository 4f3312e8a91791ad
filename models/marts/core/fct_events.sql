{# One row per staged event (deduplicated, valid), with canonical names and UTC event time. #}

with

events as (
    select * from {{ ref('int_events_deduplicated') }}
),

final as (
    select
        event_id,
        message_type,
        event_name,
        event_name_original,
        is_ecommerce_event,
        screen_or_page_name,
        event_at,
        {{ dbt.cast('event_at', 'date') }} as event_date,
        received_at,
        is_future_event,
        user_id,
        anonymous_id,
        previous_id,
        group_id,
        email,
        phone,
        device_id,
        advertising_id,
        order_id,
        revenue,
        value,
        currency,
        page_url,
        page_path,
        page_referrer,
        page_title,
        page_search,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_term,
        utm_content,
        device_type,
        os_name,
        os_version,
        app_name,
        app_version,
        ip,
        user_agent,
        locale,
        timezone,
        library_name,
        library_version,
        properties,
        traits,
        context,
        external_ids,
        consent_preferences,
        source_name,
        source_file,
        line_number
    from events
)

select * from final
