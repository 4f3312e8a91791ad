{# One row per landed message (or line yielding none) that was quarantined, with its reason, file and line. #}

with

checked as (
    select * from {{ ref('int_segment_messages_checked') }}
    where outcome = 'quarantined'
),

messages as (
    select * from {{ ref('stg_segment__messages') }}
),

quarantined as (
    select
        checked.message_key,
        checked.quarantine_reason,
        checked.source_name,
        checked.source_file,
        checked.line_number,
        checked.batch_index,
        checked.message_id,
        checked.message_type,
        checked.event_name_original,
        checked.received_at,
        messages.raw_message
    from checked
    inner join messages
        on checked.message_key = messages.message_key
)

select * from quarantined
