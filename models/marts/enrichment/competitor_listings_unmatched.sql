{# One row per competitor listing matched to none of our products: add it to competitor_listing_map. #}

with

listings as (
    select * from {{ ref('int_competitors__listings_matched') }}
),

unmatched as (
    select
        listing_id,
        competitor,
        listing_key,
        listing_url,
        gtin,
        sku,
        asin,
        observation_count,
        first_observed_at,
        last_observed_at
    from listings
    where product_id is null
)

select * from unmatched
