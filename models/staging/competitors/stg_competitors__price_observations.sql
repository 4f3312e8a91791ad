{#
    One row per landed competitor price observation: prices parsed from their locale strings into
    decimals with a currency, flags and counts typed, identifiers normalised for matching, and the
    first problem that makes the row unusable. Nothing is dropped here.
#}

with

source_rows as (
    {% if cdp_landing_files_exist('competitors/**/price_observations*.csv') %}
        select * from {{ source('competitors', 'price_observations') }}
    {% else %}
        {{ cdp_empty_text_relation([
            'competitor', 'listing_key', 'gtin', 'sku', 'price_text', 'list_price_text',
            'currency', 'in_stock', 'rating', 'review_count', 'observed_at', 'listing_url', 'filename'
        ]) }}
    {% endif %}
),

source_rows_located as (
    select
        *,
        {{ cdp_landing_relative_path('filename', 'competitors') }} as source_file
    from source_rows
),

typed as (
    select
        lower(nullif(trim(competitor), '')) as competitor,
        nullif(trim(listing_key), '') as listing_key,
        nullif(trim(listing_url), '') as listing_url,
        nullif(trim(gtin), '') as gtin,
        nullif(trim(sku), '') as sku,
        price_text,
        list_price_text,
        {{ cdp_parse_price_amount('price_text') }} as price,
        {{ cdp_parse_price_currency('price_text', 'currency') }} as currency,
        {{ cdp_parse_price_amount('list_price_text') }} as list_price,
        case
            when lower(trim(in_stock)) in ('true', 't', '1', 'yes', 'y', 'in_stock', 'in stock', 'available') then true
            when lower(trim(in_stock)) in ('false', 'f', '0', 'no', 'n', 'out_of_stock', 'out of stock', 'sold_out')
                then false
        end as is_in_stock,
        {{ cdp_to_decimal('rating') }} as rating,
        {{ cdp_to_integer(cdp_regexp_replace_all("coalesce(review_count, '')", '[^0-9]', '')) }} as review_count,
        observed_at as observed_at_text,
        {{ cdp_parse_timestamp('observed_at') }} as observed_at,
        source_file,
        md5(concat_ws(
            '|', source_file, competitor, listing_key, gtin, sku, price_text, list_price_text, currency, in_stock,
            rating, review_count, observed_at, listing_url
        )) as row_hash
    from source_rows_located
),

identified as (
    select
        {{ dbt.concat(['row_hash', "':'", dbt.safe_cast(
            'row_number() over (partition by row_hash order by row_hash)', dbt.type_string())]) }} as observation_id,
        competitor,
        listing_key,
        listing_url,
        gtin,
        sku,
        {{ enrichment_normalise_gtin('gtin') }} as gtin_normalized,
        {{ enrichment_normalise_sku('sku') }} as sku_normalized,
        case
            when {{ cdp_regexp_matches("coalesce(listing_key, '')", '^B0[0-9A-Z]{8}$') }} then listing_key
            when {{ cdp_regexp_matches("coalesce(listing_url, '')", '/dp/[0-9A-Z]{10}') }}
                then substr({{ cdp_regexp_extract('listing_url', '/dp/[0-9A-Z]{10}') }}, 5, 10)
        end as asin,
        price_text,
        list_price_text,
        price,
        list_price,
        currency,
        is_in_stock,
        rating,
        review_count,
        observed_at_text,
        observed_at,
        source_file,
        case
            when competitor is null or listing_key is null then 'missing_listing_key'
            when observed_at is null then 'unparseable_observed_at'
            when price is null then 'unparseable_price'
            when price <= 0 then 'non_positive_price'
            when currency is null then 'unknown_currency'
        end as observation_problem
    from typed
)

select * from identified
