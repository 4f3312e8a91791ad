{%- set weights = var('cdp__affinity_event_weights') -%}
{#
    One row per product line of a weighted product event (var cdp__affinity_event_weights: views <
    adds < purchases) before cdp_as_of(), with its profile, weight and recency decay (a repeated
    Order Completed of an order_id counts once: only fct_orders' first completion event),
    0.5 ^ (age in days / var cdp__affinity_half_life_days), age measured to cdp_as_of() in seconds.
#}

with

product_lines as (
    select * from {{ ref('fct_product_events_enriched') }}
    where {{ cdp_before_as_of('event_at') }}
),

event_weights as (
    {%- for name, weight in weights.items() %}
        select
            '{{ name }}' as event_name,
            {{ weight }} as event_weight
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

events as (
    select
        event_id,
        profile_id
    from {{ ref('fct_events') }}
),

orders as (
    -- an order's first Order Completed event (fct_orders.event_id); repeats of the order are skipped
    select event_id from {{ ref('fct_orders') }}
),

lines_weighted as (
    select
        product_lines.product_line_key,
        events.profile_id,
        product_lines.event_name,
        product_lines.event_at,
        product_lines.category,
        product_lines.brand,
        product_lines.price_tier,
        event_weights.event_weight,
        {{ dbt.cast(dbt.datediff('product_lines.event_at', cdp_as_of(), 'second'), cdp_type_double()) }}
        / 86400.0 as age_days
    from product_lines
    inner join event_weights
        on product_lines.event_name = event_weights.event_name
    inner join events
        on product_lines.event_id = events.event_id
    left join orders
        on product_lines.event_id = orders.event_id
    where
        product_lines.event_name <> 'Order Completed'
        or orders.event_id is not null
),

lines_decayed as (
    select
        product_line_key,
        profile_id,
        event_name,
        event_at,
        category,
        brand,
        price_tier,
        event_weight,
        age_days,
        event_weight * power(0.5, age_days / {{ var('cdp__affinity_half_life_days') }}) as decayed_weight
    from lines_weighted
)

select * from lines_decayed
