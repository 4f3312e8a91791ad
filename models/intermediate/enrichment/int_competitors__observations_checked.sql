{#
    One row per staged competitor observation, with the product it is for, its price converted to
    the catalog's currency, and the first problem that keeps it out of enrichment: a staging
    problem, a repeated observation, a currency without a rate, or an implausible price (beyond
    cdp__competitor_price_plausibility_factor times, or below 1/factor of, the catalog list price
    valid when observed). is_usable: no problem and matched to one of our products.
#}

with

observations as (
    select * from {{ ref('stg_competitors__price_observations') }}
),

listings as (
    select * from {{ ref('int_competitors__listings_matched') }}
),

versions as (
    select * from {{ ref('int_catalog__product_versions') }}
),

fx_rates as (
    select * from {{ ref('competitor_fx_rates') }}
),

observations_matched as (
    select
        observations.*,
        listings.listing_id,
        listings.product_id,
        listings.match_method,
        row_number() over (
            partition by observations.competitor, observations.listing_key, observations.observed_at
            order by observations.observation_id
        ) as copy_number
    from observations
    left join listings
        on
            observations.competitor = listings.competitor
            and observations.listing_key = listings.listing_key
),

with_catalog as (
    select
        observations_matched.*,
        versions.list_price as catalog_list_price,
        versions.currency as catalog_currency,
        observation_fx.units_per_usd as observation_units_per_usd,
        catalog_fx.units_per_usd as catalog_units_per_usd
    from observations_matched
    left join versions
        on
            observations_matched.product_id = versions.product_id
            and (observations_matched.observed_at >= versions.valid_from or versions.is_first_version)
            and (observations_matched.observed_at < versions.valid_to or versions.valid_to is null)
    left join fx_rates as observation_fx
        on observations_matched.currency = observation_fx.currency
    left join fx_rates as catalog_fx
        on versions.currency = catalog_fx.currency
),

converted as (
    select
        with_catalog.*,
        cast(
            with_catalog.price / with_catalog.observation_units_per_usd * with_catalog.catalog_units_per_usd
            as decimal(18, 4)
        ) as price_in_catalog_currency
    from with_catalog
),

checked as (
    select
        observation_id,
        listing_id,
        competitor,
        listing_key,
        product_id,
        match_method,
        observed_at,
        price_text,
        price,
        currency,
        list_price,
        price_in_catalog_currency,
        catalog_currency,
        catalog_list_price,
        is_in_stock,
        rating,
        review_count,
        gtin_normalized,
        sku_normalized,
        listing_url,
        source_file,
        case
            when observation_problem is not null then observation_problem
            when copy_number > 1 then 'duplicate_observation'
            when observation_units_per_usd is null then 'unknown_currency'
            when
                catalog_list_price > 0
                and catalog_units_per_usd is not null
                and (
                    price_in_catalog_currency
                    > catalog_list_price * {{ var('cdp__competitor_price_plausibility_factor', 5) }}
                    or price_in_catalog_currency
                    < catalog_list_price / {{ var('cdp__competitor_price_plausibility_factor', 5) }}
                )
                then 'implausible_price'
        end as observation_problem
    from converted
),

final as (
    select
        checked.*,
        checked.observation_problem is null
        and checked.product_id is not null
        and checked.price_in_catalog_currency is not null as is_usable
    from checked
)

select * from final
