{# One row per landed message (or line yielding none) that was quarantined, with its reason, file and line. #}

with

checked as (
    select * from {{ ref('int_segment_messages_checked') }}
),

quarantined as (
    select
        message_key,
        quarantine_reason,
        source_name,
        source_file,
        line_number,
        batch_index,
        message_id,
        message_type,
        event_name_original,
        received_at,
        raw_message
    from checked
    where outcome = 'quarantined'
)

select * from quarantined
