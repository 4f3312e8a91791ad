{#
    One row per landed file, outcome and quarantine reason: how many landed messages were staged,
    deduplicated away or quarantined. For every file, rows landed = staged + duplicate + quarantined.
#}

with

checked as (
    select * from {{ ref('int_segment_messages_checked') }}
),

counted as (
    select
        source_name,
        source_file,
        outcome,
        quarantine_reason,
        count(*) as message_count,
        count(distinct line_number) as line_count
    from checked
    group by source_name, source_file, outcome, quarantine_reason
),

final as (
    select
        {{ dbt.concat(['source_file', "'|'", 'outcome', "'|'", "coalesce(quarantine_reason, '')"]) }} as summary_row_id,
        source_name,
        source_file,
        outcome,
        quarantine_reason,
        message_count,
        line_count
    from counted
)

select * from final
