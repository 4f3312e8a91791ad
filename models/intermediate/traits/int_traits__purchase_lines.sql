{#
    One row per product line of an order (the first Order Completed event of each order_id, as in
    fct_orders: a repeated Order Completed adds no lines) before cdp_as_of(), with the profile
    (through fct_events.event_id), margin in the reporting currency and our price position.
    unit_margin is in the catalog currency, converted like revenue (int_traits__orders_converted);
    a line already in the reporting currency needs no rate; any other line whose catalog currency
    has no rate has a NULL margin and is not summed.
#}

with

product_lines as (
    select * from {{ ref('fct_product_events_enriched') }}
    where
        event_name = 'Order Completed'
        and {{ cdp_before_as_of('event_at') }}
),

events as (
    select
        event_id,
        profile_id
    from {{ ref('fct_events') }}
),

orders as (
    -- the Order Completed event each order's amounts come from (its first); repeats of an order_id
    -- carry the same lines again and would count its margin and price positions twice
    select event_id from {{ ref('fct_orders') }}
    -- a cancelled order bought nothing (cancelled before cdp_as_of(), as int_traits__orders_converted)
    where not coalesce(is_cancelled and {{ cdp_before_as_of('cancelled_at') }}, false)
),

{{ cdp_reporting_fx_rates() }},

lines_joined as (
    select
        product_lines.product_line_key,
        product_lines.event_id,
        events.profile_id,
        product_lines.event_at,
        product_lines.product_id,
        product_lines.category,
        product_lines.brand,
        product_lines.price_tier,
        product_lines.quantity,
        product_lines.unit_margin,
        coalesce(product_lines.catalog_currency, product_lines.currency) as margin_currency,
        {{ cdp_in_reporting_currency(
            'product_lines.unit_margin * product_lines.quantity',
            'coalesce(product_lines.catalog_currency, product_lines.currency)',
            'margin_rates',
        ) }} as line_margin_reporting,
        product_lines.price_position
    from product_lines
    inner join events
        on product_lines.event_id = events.event_id
    inner join orders
        on product_lines.event_id = orders.event_id
    left join fx_rates as margin_rates
        on upper(trim(coalesce(product_lines.catalog_currency, product_lines.currency))) = margin_rates.currency
    left join reporting_rate
        on 1 = 1
)

select * from lines_joined
