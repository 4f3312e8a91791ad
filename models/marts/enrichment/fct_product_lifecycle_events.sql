{#
    One row per product lifecycle event derived from the histories: our list price changes (catalog
    versions), and per competitor listing its price changes, stock-outs, restocks, new reviews and
    listing changes (GTIN, SKU or URL changed), each against the listing's previous observation.
    Competitor events use observations with a readable price and time only; duplicates are ignored.
#}

{%- set our_price_change_id = dbt.concat(
    ['product_id', "':'", dbt.safe_cast('valid_from', dbt.type_string()), "':our_price_change'"]) %}

with

versions as (
    select * from {{ ref('int_catalog__product_versions') }}
),

observations as (
    select * from {{ ref('int_competitors__observations_checked') }}
),

catalog_changes as (
    select
        product_id,
        valid_from,
        list_price,
        currency,
        lag(list_price) over (partition by product_id order by valid_from) as previous_list_price
    from versions
),

our_price_changes as (
    select
        {{ our_price_change_id }} as lifecycle_event_id,
        'our_price_change' as lifecycle_event_type,
        valid_from as occurred_at,
        product_id,
        cast(null as {{ dbt.type_string() }}) as competitor,
        cast(null as {{ dbt.type_string() }}) as listing_key,
        previous_list_price as previous_value,
        list_price as new_value,
        currency
    from catalog_changes
    where previous_list_price is not null and previous_list_price <> list_price
),

listing_history as (
    select
        observation_id,
        competitor,
        listing_key,
        product_id,
        observed_at,
        price,
        currency,
        is_in_stock,
        review_count,
        {{ dbt.concat(["coalesce(gtin_normalized, '')", "'|'", "coalesce(sku_normalized, '')", "'|'",
            "coalesce(listing_url, '')"]) }} as listing_identity,
        lag(price) over listing_order as previous_price,
        lag(currency) over listing_order as previous_currency,
        lag(is_in_stock) over listing_order as previous_is_in_stock,
        lag(review_count) over listing_order as previous_review_count,
        lag({{ dbt.concat(["coalesce(gtin_normalized, '')", "'|'", "coalesce(sku_normalized, '')", "'|'",
            "coalesce(listing_url, '')"]) }}) over listing_order as previous_listing_identity
    from observations
    where observation_problem is null
    window listing_order as (partition by competitor, listing_key order by observed_at, observation_id)
),

competitor_events as (
    select
        observation_id,
        'competitor_price_change' as lifecycle_event_type,
        observed_at,
        product_id,
        competitor,
        listing_key,
        previous_price as previous_value,
        price as new_value,
        currency
    from listing_history
    where previous_price is not null and (previous_price <> price or previous_currency <> currency)
    union all
    select
        observation_id,
        'competitor_stock_out' as lifecycle_event_type,
        observed_at,
        product_id,
        competitor,
        listing_key,
        null as previous_value,
        null as new_value,
        null as currency
    from listing_history
    where previous_is_in_stock and not is_in_stock
    union all
    select
        observation_id,
        'competitor_restock' as lifecycle_event_type,
        observed_at,
        product_id,
        competitor,
        listing_key,
        null as previous_value,
        null as new_value,
        null as currency
    from listing_history
    where not previous_is_in_stock and is_in_stock
    union all
    select
        observation_id,
        'competitor_new_reviews' as lifecycle_event_type,
        observed_at,
        product_id,
        competitor,
        listing_key,
        previous_review_count as previous_value,
        review_count as new_value,
        null as currency
    from listing_history
    where review_count > previous_review_count
    union all
    select
        observation_id,
        'competitor_listing_change' as lifecycle_event_type,
        observed_at,
        product_id,
        competitor,
        listing_key,
        null as previous_value,
        null as new_value,
        null as currency
    from listing_history
    where previous_listing_identity is not null and previous_listing_identity <> listing_identity
),

all_events as (
    select * from our_price_changes
    union all
    select
        {{ dbt.concat(['observation_id', "':'", 'lifecycle_event_type']) }} as lifecycle_event_id,
        lifecycle_event_type,
        observed_at as occurred_at,
        product_id,
        competitor,
        listing_key,
        cast(previous_value as decimal(18, 4)) as previous_value,
        cast(new_value as decimal(18, 4)) as new_value,
        currency
    from competitor_events
)

select * from all_events
