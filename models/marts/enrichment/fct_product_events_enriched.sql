{#
    One row per staged product line of every product event, with the catalog attributes valid at
    the event time, margin, and where our price stood against competitors at that moment.
#}

with

product_lines as (
    select * from {{ ref('int_enrichment__product_lines') }}
),

competitor_prices as (
    select * from {{ ref('int_enrichment__competitor_prices_as_of') }}
),

competitor_prices_joined as (
    select
        competitor_prices.product_line_key,
        competitor_prices.competitor,
        competitor_prices.competitor_price,
        competitor_prices.is_in_stock,
        competitor_prices.rating,
        competitor_prices.review_count,
        competitor_prices.observed_at,
        product_lines.our_price
    from competitor_prices
    inner join product_lines
        on competitor_prices.product_line_key = product_lines.product_line_key
),

competitive_context as (
    select
        product_line_key,
        count(*) as competitors_observed,
        sum(case when is_in_stock then 1 else 0 end) as competitors_in_stock,
        sum(case when competitor_price < our_price then 1 else 0 end) as competitors_cheaper,
        min(competitor_price) as cheapest_competitor_price,
        min(case when is_in_stock then competitor_price end) as cheapest_in_stock_competitor_price,
        max(competitor_price) as highest_competitor_price,
        cast(avg(rating) as decimal(6, 3)) as competitor_avg_rating,
        sum(review_count) as competitor_review_count,
        min(observed_at) as oldest_competitor_observed_at
    from competitor_prices_joined
    group by product_line_key
),

enriched as (
    select
        product_lines.product_line_key,
        product_lines.event_id,
        product_lines.event_name,
        product_lines.event_at,
        product_lines.user_id,
        product_lines.anonymous_id,
        product_lines.product_index,
        product_lines.product_id,
        product_lines.sku,
        product_lines.product_name,
        product_lines.brand,
        product_lines.category_path,
        product_lines.category,
        product_lines.price_tier,
        product_lines.inventory_status,
        product_lines.product_version_id,
        product_lines.is_catalog_backfilled,
        product_lines.price,
        product_lines.quantity,
        product_lines.currency,
        product_lines.catalog_list_price,
        product_lines.unit_cost,
        product_lines.catalog_currency,
        product_lines.our_price,
        product_lines.unit_margin,
        product_lines.margin_pct,
        coalesce(competitive_context.competitors_observed, 0) as competitors_observed,
        coalesce(competitive_context.competitors_in_stock, 0) as competitors_in_stock,
        case
            when competitive_context.competitors_observed > 0 then competitive_context.competitors_cheaper + 1
        end as price_rank,
        case
            when competitive_context.competitors_observed is null or product_lines.our_price is null
                then 'no_competitor_data'
            when competitive_context.competitors_cheaper = 0 then 'cheapest'
            when competitive_context.competitors_cheaper = competitive_context.competitors_observed then 'premium'
            else 'mid_range'
        end as price_position,
        competitive_context.cheapest_competitor_price,
        competitive_context.cheapest_in_stock_competitor_price,
        competitive_context.highest_competitor_price,
        product_lines.our_price - competitive_context.cheapest_in_stock_competitor_price
            as price_gap_to_cheapest_in_stock,
        case
            when competitive_context.cheapest_in_stock_competitor_price > 0
                then cast(round(
                    (product_lines.our_price - competitive_context.cheapest_in_stock_competitor_price)
                    / competitive_context.cheapest_in_stock_competitor_price,
                    4
                ) as decimal(9, 4))
        end as price_gap_to_cheapest_in_stock_pct,
        competitive_context.competitor_avg_rating,
        competitive_context.competitor_review_count,
        competitive_context.oldest_competitor_observed_at
    from product_lines
    left join competitive_context
        on product_lines.product_line_key = competitive_context.product_line_key
)

select * from enriched
