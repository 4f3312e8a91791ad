{#
    One row per landed message: a plain line is one message, an HTTP-API batch envelope is one
    message per element, and a line that yields no message (blank, not JSON, empty batch) is one
    row carrying its problem. Nothing is dropped here: deduplication and the final outcome
    happen in int_segment_messages_checked.

    Incremental by file: landed files are immutable (written elsewhere and renamed into place),
    so a run parses only files this table has not seen. A file rewritten in place needs
    `dbt build --full-refresh`.
#}

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

lines as (
    select * from {{ ref('stg_segment__landed_lines') }}
    {% if is_incremental() %}
        where source_file not in (select distinct previous.source_file from {{ this }} as previous)
    {% endif %}
),

lines_validated as (
    select
        line_id,
        source_file,
        line_number,
        raw_line,
        {{ cdp_is_valid_json('raw_line') }} as is_valid_json,
        substr(trim(raw_line), 1, 1) = '{' as is_json_object
    from lines
),

lines_parsed as (
    select
        lines_validated.*,
        case
            when lines_validated.is_valid_json and lines_validated.is_json_object
                then {{ cdp_parse_json('lines_validated.raw_line', segment_message_spec(with_batch=true)) }}
        end as parsed
    from lines_validated
),

lines_classified as (
    select
        lines_parsed.*,
        lines_parsed.parsed.batch as batch_json,
        coalesce(substr(trim(lines_parsed.parsed.batch), 1, 1) = '[', false) as is_batch,
        case
            when lines_parsed.raw_line is null or trim(lines_parsed.raw_line) = '' then 'blank_line'
            when not lines_parsed.is_valid_json then 'invalid_json'
            when not lines_parsed.is_json_object then 'not_a_message'
            when {{ cdp_regexp_replace_all('lines_parsed.parsed.batch', '\\s', '') }} = '[]' then 'empty_batch'
        end as line_problem
    from lines_parsed
),

-- a line that is itself a message (or a line that yields no message at all)
single_messages as (
    select
        line_id,
        source_file,
        line_number,
        cast(null as integer) as batch_index,
        raw_line as message_json,
        line_problem,
        parsed as message,
        cast(null as {{ dbt.type_string() }}) as envelope_sent_at,
        cast(null as {{ dbt.type_string() }}) as envelope_received_at,
        cast(null as {{ dbt.type_string() }}) as envelope_library_name,
        cast(null as {{ dbt.type_string() }}) as envelope_library_version
    from lines_classified
    where not is_batch or line_problem is not null
),

batch_lines as (
    select
        line_id,
        source_file,
        line_number,
        batch_json,
        parsed.sentat as envelope_sent_at,
        parsed.receivedat as envelope_received_at,
        {{ cdp_json_extract_string('parsed.context', '$.library.name') }} as envelope_library_name,
        {{ cdp_json_extract_string('parsed.context', '$.library.version') }} as envelope_library_version
    from lines_classified
    where is_batch and line_problem is null
),

batch_elements as (
    {{ cdp_explode_json_array('batch_lines', 'batch_json', 'message_json', 'batch_index') }}
),

batch_messages as (
    select
        line_id,
        source_file,
        line_number,
        cast(batch_index as integer) as batch_index,
        message_json,
        case when substr(trim(message_json), 1, 1) != '{' then 'not_a_message' end as line_problem,
        case
            when substr(trim(message_json), 1, 1) = '{'
                then {{ cdp_parse_json('message_json', segment_message_spec(with_batch=true)) }}
        end as message,
        envelope_sent_at,
        envelope_received_at,
        envelope_library_name,
        envelope_library_version
    from batch_elements
),

messages as (
    select * from single_messages
    union all
    select * from batch_messages
),

messages_with_context as (
    select
        messages.*,
        {{ cdp_parse_json('messages.message.context', segment_context_spec()) }} as ctx
    from messages
),

flattened as (
    select
        case
            when batch_index is null then line_id
            else {{ dbt.concat(['line_id', "':'", dbt.safe_cast('batch_index', dbt.type_string())]) }}
        end as message_key,
        source_file,
        case
            when position('/' in source_file) > 0 then substr(source_file, 1, position('/' in source_file) - 1)
            else ''
        end as source_name,
        line_number,
        batch_index,
        message_json as raw_message,
        line_problem,

        nullif(trim(message.messageid), '') as message_id,
        lower(nullif(trim(message.type), '')) as message_type,
        nullif(trim(message.event), '') as event_name_original,
        nullif(trim(message.name), '') as screen_or_page_name,
        nullif(trim(message.userid), '') as user_id,
        nullif(trim(message.anonymousid), '') as anonymous_id,
        nullif(trim(message.previousid), '') as previous_id,
        nullif(trim(message.groupid), '') as group_id,

        message.timestamp as timestamp_text,
        message.originaltimestamp as original_timestamp_text,
        coalesce(message.sentat, envelope_sent_at) as sent_at_text,
        coalesce(message.receivedat, envelope_received_at) as received_at_text,

        message.properties as properties,
        coalesce(message.traits, ctx.traits) as traits,
        message.integrations as integrations,
        message.context as context,
        ctx.externalids as external_ids,
        ctx.consent.categorypreferences as consent_preferences,

        ctx.page.url as page_url,
        ctx.page.path as page_path,
        ctx.page.referrer as page_referrer,
        ctx.page.title as page_title,
        ctx.page.search as page_search,
        ctx.campaign.source as utm_source,
        ctx.campaign.medium as utm_medium,
        ctx.campaign.name as utm_campaign,
        ctx.campaign.term as utm_term,
        ctx.campaign.content as utm_content,
        nullif(trim(ctx.device.id), '') as device_id,
        nullif(trim(ctx.device.advertisingid), '') as advertising_id,
        ctx.device.type as device_type,
        ctx.os.name as os_name,
        ctx.os.version as os_version,
        ctx.app.name as app_name,
        ctx.app.version as app_version,
        ctx.ip as ip,
        ctx.useragent as user_agent,
        ctx.locale as locale,
        ctx.timezone as timezone,
        coalesce(ctx.library.name, envelope_library_name) as library_name,
        coalesce(ctx.library.version, envelope_library_version) as library_version
    from messages_with_context
),

typed as (
    select
        flattened.*,
        -- key for matching event names whatever their case and separators (Order Completed, order_completed)
        lower({{ cdp_regexp_replace_all('event_name_original', '[^A-Za-z0-9]', '') }}) as event_name_key,
        {{ cdp_parse_timestamp('timestamp_text') }} as message_timestamp,
        {{ cdp_parse_timestamp('original_timestamp_text') }} as original_timestamp,
        {{ cdp_parse_timestamp('sent_at_text') }} as sent_at,
        {{ cdp_parse_timestamp('received_at_text') }} as received_at,
        {{ cdp_parse_json('properties', segment_properties_spec()) }} as props,
        {{ cdp_parse_json('traits', segment_traits_spec()) }} as trait_fields
    from flattened
),

amounts as (
    select
        typed.*,
        nullif(trim(props.order_id), '') as order_id,
        nullif(trim(props.checkout_id), '') as checkout_id,
        {{ cdp_to_decimal('props.revenue') }} as revenue,
        {{ cdp_to_decimal('props.total') }} as total,
        {{ cdp_to_decimal('props.subtotal') }} as subtotal,
        {{ cdp_to_decimal('props.shipping') }} as shipping,
        {{ cdp_to_decimal('props.tax') }} as tax,
        {{ cdp_to_decimal('props.discount') }} as discount,
        {{ cdp_to_decimal('props.value') }} as value,
        {{ cdp_to_decimal('props.price') }} as price,
        nullif(trim(props.coupon), '') as coupon,
        upper(nullif(trim(props.currency), '')) as currency,
        props.products as products_json,
        nullif(trim(props.product_id), '') as property_product_id,
        coalesce(trait_fields.email, props.email) as email,
        coalesce(trait_fields.phone, props.phone) as phone
    from typed
),

checked as (
    select
        amounts.*,
        case
            when message_type = 'track' then {{ canonical_event_name('event_name_key', 'event_name_original') }}
        end as event_name,
        case
            when received_at is not null and sent_at is not null and original_timestamp is not null
                then {{ cdp_skew_corrected_timestamp('received_at', 'sent_at', 'original_timestamp') }}
            else coalesce(message_timestamp, original_timestamp, received_at)
        end as event_at,
        case
            when line_problem is not null then line_problem
            when message_type is null then 'missing_type'
            when message_type not in ('track', 'identify', 'page', 'screen', 'group', 'alias') then 'unknown_type'
            when message_id is null then 'missing_message_id'
            when user_id is null and anonymous_id is null then 'missing_identity'
            when message_type = 'track' and event_name_original is null then 'missing_event_name'
            when
                (nullif(trim(timestamp_text), '') is not null and message_timestamp is null)
                or (nullif(trim(original_timestamp_text), '') is not null and original_timestamp is null)
                or (nullif(trim(sent_at_text), '') is not null and sent_at is null)
                or (nullif(trim(received_at_text), '') is not null and received_at is null)
                then 'unparseable_timestamp'
            when coalesce(message_timestamp, original_timestamp, received_at) is null then 'missing_timestamp'
            when
                (nullif(trim(props.revenue), '') is not null and revenue is null)
                or (nullif(trim(props.total), '') is not null and total is null)
                or (nullif(trim(props.subtotal), '') is not null and subtotal is null)
                or (nullif(trim(props.shipping), '') is not null and shipping is null)
                or (nullif(trim(props.tax), '') is not null and tax is null)
                or (nullif(trim(props.discount), '') is not null and discount is null)
                or (nullif(trim(props.value), '') is not null and value is null)
                then 'non_numeric_amount'
            when nullif(trim(props.price), '') is not null and price is null then 'non_numeric_price'
        end as message_problem
    from amounts
),

final as (
    select
        message_key,
        source_name,
        source_file,
        line_number,
        batch_index,
        message_id,
        message_type,
        event_name,
        event_name_original,
        screen_or_page_name,
        coalesce(event_name in ({{ sql_string_list(ecommerce_v2_event_names()) }}), false) as is_ecommerce_event,
        user_id,
        anonymous_id,
        previous_id,
        group_id,
        email,
        phone,
        device_id,
        advertising_id,
        event_at,
        case
            when
                event_at > {{ dbt.dateadd('minute', var('cdp__future_event_tolerance_minutes'),
                    'coalesce(received_at, ' ~ cdp_current_timestamp_utc() ~ ')') }}
                then true
            else false
        end as is_future_event,
        message_timestamp,
        original_timestamp,
        sent_at,
        received_at,
        order_id,
        checkout_id,
        revenue,
        total,
        subtotal,
        shipping,
        tax,
        discount,
        value,
        price,
        coupon,
        currency,
        property_product_id,
        cast(products_json as {{ dbt.type_string() }}) as products_json,
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
        cast(properties as {{ dbt.type_string() }}) as properties,
        cast(traits as {{ dbt.type_string() }}) as traits,
        cast(context as {{ dbt.type_string() }}) as context,
        cast(integrations as {{ dbt.type_string() }}) as integrations,
        cast(external_ids as {{ dbt.type_string() }}) as external_ids,
        cast(consent_preferences as {{ dbt.type_string() }}) as consent_preferences,
        raw_message,
        message_problem
    from checked
)

-- JSON columns leave staging as plain text, the one type every engine shares
select * from final
