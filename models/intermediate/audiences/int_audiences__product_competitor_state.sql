{#
    One row per product of our catalog: where it stands against competitors now (at cdp_as_of()).
    Each competitor counts with its latest usable observation of the product at or before the as-of
    time, and only when that observation is at most cdp__competitor_freshness_hours old.
    Our price is the current catalog list price; competitor prices are in the catalog's currency.
    A competitor discounts when its price is below its own list price (both as scraped).
#}

with

products as (
    select * from {{ ref('int_catalog__products_current') }}
),

observations as (
    select * from {{ ref('int_competitors__observations_checked') }}
),

fresh_observations as (
    select
        observations.observation_id,
        observations.product_id,
        observations.competitor,
        observations.observed_at,
        observations.price,
        observations.list_price,
        observations.price_in_catalog_currency,
        observations.is_in_stock,
        row_number() over (
            partition by observations.product_id, observations.competitor
            order by observations.observed_at desc, observations.observation_id desc
        ) as recency_rank
    from observations
    where
        observations.is_usable
        and {{ cdp_before_as_of('observations.observed_at') }}
        and observations.observed_at >= {{ dbt.dateadd(
            'hour', -1 * var('cdp__competitor_freshness_hours', 168), cdp_as_of()) }}
),

latest_observations as (
    select * from fresh_observations
    where recency_rank = 1
),

competitor_summary as (
    select
        latest_observations.product_id,
        count(*) as competitors_observed,
        sum(case when latest_observations.is_in_stock then 1 else 0 end) as competitors_in_stock,
        sum(case when not latest_observations.is_in_stock then 1 else 0 end) as competitors_out_of_stock,
        sum(
            case when latest_observations.price_in_catalog_currency < products.list_price then 1 else 0 end
        ) as competitors_cheaper,
        sum(
            case when latest_observations.price < latest_observations.list_price then 1 else 0 end
        ) as competitors_discounting,
        min(latest_observations.price_in_catalog_currency) as cheapest_competitor_price,
        max(latest_observations.observed_at) as latest_observed_at
    from latest_observations
    inner join products
        on latest_observations.product_id = products.product_id
    group by latest_observations.product_id
),

final as (
    select
        products.product_id,
        products.list_price as our_price,
        products.currency,
        coalesce(competitor_summary.competitors_observed, 0) as competitors_observed,
        coalesce(competitor_summary.competitors_in_stock, 0) as competitors_in_stock,
        coalesce(competitor_summary.competitors_out_of_stock, 0) as competitors_out_of_stock,
        coalesce(competitor_summary.competitors_cheaper, 0) as competitors_cheaper,
        coalesce(competitor_summary.competitors_discounting, 0) as competitors_discounting,
        competitor_summary.cheapest_competitor_price,
        competitor_summary.latest_observed_at,
        coalesce(competitor_summary.competitors_cheaper > 0, false) as has_cheaper_competitor,
        coalesce(
            competitor_summary.competitors_cheaper = competitor_summary.competitors_observed, false
        ) as is_cheaper_at_all_competitors,
        coalesce(competitor_summary.competitors_discounting > 0, false) as has_discounting_competitor,
        coalesce(
            competitor_summary.competitors_discounting = competitor_summary.competitors_observed, false
        ) as is_discounted_at_all_competitors,
        coalesce(competitor_summary.competitors_out_of_stock > 0, false) as is_out_of_stock_at_any_competitor,
        coalesce(
            competitor_summary.competitors_out_of_stock = competitor_summary.competitors_observed, false
        ) as is_out_of_stock_at_all_competitors,
        coalesce(competitor_summary.competitors_cheaper = 0, false) as is_cheapest,
        {{ cdp_as_of() }} as as_of_at
    from products
    left join competitor_summary
        on products.product_id = competitor_summary.product_id
)

select * from final
