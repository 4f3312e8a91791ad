{# One row per staged event: valid messages, one copy per messageId. The input of every mart. #}

with

messages as (
    select * from {{ ref('stg_segment__messages') }}
),

checked as (
    select * from {{ ref('int_segment_messages_checked') }}
    where outcome = 'staged'
),

staged as (
    select
        messages.message_id as event_id,
        messages.message_id,
        messages.message_type,
        messages.event_name,
        messages.event_name_original,
        messages.is_ecommerce_event,
        messages.screen_or_page_name,
        messages.user_id,
        messages.anonymous_id,
        messages.previous_id,
        messages.group_id,
        messages.email,
        messages.phone,
        messages.device_id,
        messages.advertising_id,
        messages.event_at,
        messages.is_future_event,
        messages.message_timestamp,
        messages.original_timestamp,
        messages.sent_at,
        messages.received_at,
        messages.order_id,
        messages.checkout_id,
        messages.revenue,
        messages.total,
        messages.subtotal,
        messages.shipping,
        messages.tax,
        messages.discount,
        messages.value,
        messages.price,
        messages.coupon,
        messages.currency,
        messages.page_url,
        messages.page_path,
        messages.page_referrer,
        messages.page_title,
        messages.page_search,
        messages.utm_source,
        messages.utm_medium,
        messages.utm_campaign,
        messages.utm_term,
        messages.utm_content,
        messages.device_type,
        messages.os_name,
        messages.os_version,
        messages.app_name,
        messages.app_version,
        messages.ip,
        messages.user_agent,
        messages.locale,
        messages.timezone,
        messages.library_name,
        messages.library_version,
        messages.properties,
        messages.traits,
        messages.context,
        messages.integrations,
        messages.external_ids,
        messages.consent_preferences,
        messages.message_key,
        messages.source_name,
        messages.source_file,
        messages.line_number,
        messages.batch_index
    from messages
    inner join checked
        on messages.message_key = checked.message_key
)

select * from staged
