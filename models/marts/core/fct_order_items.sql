{# One row per product line of an order (the products[] of its first Order Completed event). #}

with

orders as (
    select * from {{ ref('int_orders_completed') }}
),

product_lines as (
    select * from {{ ref('stg_segment__product_lines') }}
),

items_joined_to_orders as (
    select
        {{ dbt.concat(['orders.order_key', "':'", dbt.safe_cast('product_lines.product_index', dbt.type_string())]) }}
            as order_item_id,
        orders.order_key as order_id,
        orders.event_id,
        product_lines.product_index as line_number,
        product_lines.product_id,
        product_lines.sku,
        product_lines.product_name,
        product_lines.brand,
        product_lines.category,
        product_lines.variant,
        product_lines.price,
        -- Segment's spec: a product without a quantity counts once
        coalesce(product_lines.quantity, 1) as quantity,
        cast(product_lines.price * coalesce(product_lines.quantity, 1) as decimal(18, 4)) as line_amount,
        product_lines.position,
        product_lines.coupon,
        coalesce(product_lines.currency, orders.currency, '{{ var("cdp__default_currency") }}') as currency,
        product_lines.is_missing_product_id,
        orders.event_at as ordered_at,
        orders.user_id,
        orders.anonymous_id,
        orders.source_name
    from product_lines
    inner join orders
        on product_lines.message_key = orders.message_key
)

select * from items_joined_to_orders
