{#
    One row per order: the first Order Completed event of each order_id (by event time, then
    event id), with how many Order Completed events repeated it. An Order Completed without an
    order_id is an order of its own, keyed by its event id, so no order is ever dropped.
#}

with

events as (
    select * from {{ ref('int_events_deduplicated') }}
    where event_name = 'Order Completed'
),

keyed as (
    select
        events.*,
        coalesce(order_id, event_id) as order_key,
        order_id is not null as has_order_id
    from events
),

ranked as (
    select
        keyed.*,
        row_number() over (partition by order_key order by event_at asc, event_id asc) as completion_number,
        count(*) over (partition by order_key) as completed_event_count
    from keyed
),

first_completions as (
    select * from ranked
    where completion_number = 1
)

select * from first_completions
