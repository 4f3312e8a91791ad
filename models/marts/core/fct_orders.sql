{# One row per order: amounts from its first Order Completed event, with refund and cancellation status. #}

with

orders as (
    select * from {{ ref('int_orders_completed') }}
),

order_items as (
    select * from {{ ref('fct_order_items') }}
),

event_profiles as (
    select * from {{ ref('int_identity__event_profiles') }}
),

lifecycle_events as (
    select * from {{ ref('int_events_deduplicated') }}
    where
        event_name in ('Order Refunded', 'Order Cancelled')
        and order_id is not null
),

items_per_order as (
    select
        order_id,
        count(*) as product_line_count,
        sum(quantity) as item_quantity,
        sum(case when is_missing_product_id then 1 else 0 end) as lines_missing_product_id
    from order_items
    group by order_id
),

lifecycle_per_order as (
    select
        order_id,
        min(case when event_name = 'Order Refunded' then event_at end) as refunded_at,
        sum(case when event_name = 'Order Refunded' then coalesce(revenue, total) end) as refunded_amount,
        min(case when event_name = 'Order Cancelled' then event_at end) as cancelled_at
    from lifecycle_events
    group by order_id
),

final as (
    select
        orders.order_key as order_id,
        orders.has_order_id,
        orders.event_id,
        orders.checkout_id,
        event_profiles.profile_id,
        orders.user_id,
        orders.anonymous_id,
        orders.email,
        orders.event_at as ordered_at,
        {{ dbt.cast('orders.event_at', 'date') }} as ordered_date,
        orders.revenue,
        orders.total,
        orders.subtotal,
        orders.shipping,
        orders.tax,
        orders.discount,
        orders.coupon,
        coalesce(orders.currency, '{{ var("cdp__default_currency") }}') as currency,
        orders.currency is null as is_currency_defaulted,
        coalesce(items_per_order.product_line_count, 0) as product_line_count,
        coalesce(items_per_order.item_quantity, 0) as item_quantity,
        coalesce(items_per_order.lines_missing_product_id, 0) as lines_missing_product_id,
        orders.completed_event_count,
        lifecycle_per_order.refunded_at is not null as is_refunded,
        lifecycle_per_order.refunded_at,
        lifecycle_per_order.refunded_amount,
        lifecycle_per_order.cancelled_at is not null as is_cancelled,
        lifecycle_per_order.cancelled_at,
        orders.source_name
    from orders
    left join event_profiles
        on orders.event_id = event_profiles.event_id
    left join items_per_order
        on orders.order_key = items_per_order.order_id
    left join lifecycle_per_order
        on orders.order_key = lifecycle_per_order.order_id
)

select * from final
