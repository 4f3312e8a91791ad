{#
    One row per category and price position (plus an '(all categories)' row per position): product
    views, adds to cart and purchased lines while we stood at that position, and the rates between
    them, so one can read whether being cheapest converts better and by how much.
#}

with

enriched as (
    select * from {{ ref('fct_product_events_enriched') }}
),

funnel_lines as (
    select
        coalesce(category, '(unknown)') as category,
        price_position,
        case when event_name = 'Product Viewed' then 1 else 0 end as is_view,
        case when event_name = 'Product Added' then 1 else 0 end as is_add,
        case when event_name = 'Order Completed' then 1 else 0 end as is_purchase
    from enriched
    where event_name in ('Product Viewed', 'Product Added', 'Order Completed')
),

by_category as (
    select
        category,
        price_position,
        sum(is_view) as product_views,
        sum(is_add) as adds_to_cart,
        sum(is_purchase) as purchases
    from funnel_lines
    group by category, price_position
),

all_categories as (
    select
        '(all categories)' as category,
        price_position,
        sum(is_view) as product_views,
        sum(is_add) as adds_to_cart,
        sum(is_purchase) as purchases
    from funnel_lines
    group by price_position
),

combined as (
    select * from by_category
    union all
    select * from all_categories
),

rated as (
    select
        {{ dbt.concat(['category', "':'", 'price_position']) }} as category_position_id,
        category,
        price_position,
        product_views,
        adds_to_cart,
        purchases,
        cast(round(1.0 * adds_to_cart / nullif(product_views, 0), 4) as decimal(9, 4)) as view_to_cart_rate,
        cast(round(1.0 * purchases / nullif(adds_to_cart, 0), 4) as decimal(9, 4)) as cart_to_purchase_rate,
        cast(round(1.0 * purchases / nullif(product_views, 0), 4) as decimal(9, 4)) as view_to_purchase_rate
    from combined
),

compared as (
    select
        rated.*,
        cast(round(
            rated.view_to_purchase_rate
            / nullif(max(case when rated.price_position = 'mid_range' then rated.view_to_purchase_rate end) over (
                partition by rated.category
            ), 0),
            4
        ) as decimal(9, 4)) as view_to_purchase_rate_vs_mid_range
    from rated
)

select * from compared
