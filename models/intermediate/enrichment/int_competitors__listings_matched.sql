{#
    One row per competitor listing (competitor, listing_key): its latest identifiers and the product
    of ours it sells, matched in order of trust: the manual map by listing, the manual map by ASIN,
    GTIN, then SKU. A GTIN or SKU that several of our products share matches none of them.
#}

with

observations as (
    select * from {{ ref('stg_competitors__price_observations') }}
),

listing_map as (
    select * from {{ ref('competitor_listing_map') }}
),

products as (
    select * from {{ ref('int_catalog__products_current') }}
),

observations_ranked as (
    select
        observations.*,
        row_number() over (
            partition by observations.competitor, observations.listing_key
            order by observations.observed_at desc, observations.observation_id desc
        ) as recency_rank,
        count(*) over (partition by observations.competitor, observations.listing_key) as observation_count,
        min(observations.observed_at) over (
            partition by observations.competitor, observations.listing_key
        ) as first_observed_at
    from observations
    where observations.competitor is not null and observations.listing_key is not null
),

listings as (
    select
        competitor,
        listing_key,
        listing_url,
        gtin,
        sku,
        gtin_normalized,
        sku_normalized,
        asin,
        observation_count,
        first_observed_at,
        observed_at as last_observed_at
    from observations_ranked
    where recency_rank = 1
),

gtin_lookup as (
    select
        gtin_normalized,
        min(product_id) as product_id
    from products
    where gtin_normalized is not null
    group by gtin_normalized
    having count(distinct product_id) = 1
),

sku_lookup as (
    select
        sku_normalized,
        min(product_id) as product_id
    from products
    where sku_normalized is not null
    group by sku_normalized
    having count(distinct product_id) = 1
),

map_by_listing as (
    select
        lower(trim(competitor)) as competitor,
        trim(listing_key) as listing_key,
        min(trim(product_id)) as product_id
    from listing_map
    where nullif(trim(listing_key), '') is not null
    group by lower(trim(competitor)), trim(listing_key)
),

map_by_asin as (
    select
        upper(trim(asin)) as asin,
        min(trim(product_id)) as product_id
    from listing_map
    where nullif(trim(asin), '') is not null
    group by upper(trim(asin))
),

matched as (
    select
        {{ dbt.concat(['listings.competitor', "':'", 'listings.listing_key']) }} as listing_id,
        listings.competitor,
        listings.listing_key,
        listings.listing_url,
        listings.gtin,
        listings.sku,
        listings.asin,
        listings.observation_count,
        listings.first_observed_at,
        listings.last_observed_at,
        coalesce(
            map_by_listing.product_id, map_by_asin.product_id, gtin_lookup.product_id, sku_lookup.product_id
        ) as product_id,
        case
            when map_by_listing.product_id is not null then 'listing_map'
            when map_by_asin.product_id is not null then 'asin_map'
            when gtin_lookup.product_id is not null then 'gtin'
            when sku_lookup.product_id is not null then 'sku'
        end as match_method
    from listings
    left join map_by_listing
        on
            listings.competitor = map_by_listing.competitor
            and listings.listing_key = map_by_listing.listing_key
    left join map_by_asin
        on listings.asin = map_by_asin.asin
    left join gtin_lookup
        on listings.gtin_normalized = gtin_lookup.gtin_normalized
    left join sku_lookup
        on listings.sku_normalized = sku_lookup.sku_normalized
)

select * from matched
