{#
    One row per landed message with its outcome: quarantined (with the first problem found),
    staged (the one copy kept of each messageId), or duplicate (another copy of a staged
    messageId). Copies are ranked by earliest receivedAt, then file, line and batch position,
    so the copy kept is the same on every build.
#}

with

messages as (
    select * from {{ ref('stg_segment__messages') }}
),

product_lines as (
    select * from {{ ref('stg_segment__product_lines') }}
),

product_problems as (
    select
        message_key,
        -- report the most specific problem when a message has several bad product lines
        min(case product_problem
            when 'non_numeric_price' then '1:non_numeric_price'
            when 'non_numeric_quantity' then '2:non_numeric_quantity'
            else '3:' || product_problem
        end) as ranked_problem
    from product_lines
    where product_problem is not null
    group by message_key
),

messages_checked as (
    -- narrow on purpose: outcome per message; the wide columns stay in staging and are joined back
    select
        messages.message_key,
        messages.message_id,
        messages.message_type,
        messages.event_name_original,
        messages.source_name,
        messages.source_file,
        messages.line_number,
        messages.batch_index,
        messages.received_at,
        coalesce(
            messages.message_problem,
            substr(product_problems.ranked_problem, 3)
        ) as quarantine_reason
    from messages
    left join product_problems
        on messages.message_key = product_problems.message_key
),

copies_ranked as (
    select
        messages_checked.*,
        case
            when quarantine_reason is null
                then row_number() over (
                    partition by message_id, quarantine_reason
                    order by received_at asc nulls last, source_file asc, line_number asc, batch_index asc nulls first
                )
        end as copy_number,
        case
            when quarantine_reason is null
                then first_value(message_key) over (
                    partition by message_id, quarantine_reason
                    order by received_at asc nulls last, source_file asc, line_number asc, batch_index asc nulls first
                    rows between unbounded preceding and unbounded following
                )
        end as kept_message_key
    from messages_checked
),

final as (
    select
        copies_ranked.*,
        case
            when quarantine_reason is not null then 'quarantined'
            when copy_number = 1 then 'staged'
            else 'duplicate'
        end as outcome
    from copies_ranked
)

select * from final
