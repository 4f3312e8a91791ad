{# One row per competitor observation kept out of enrichment, with the reason. #}

with

observations as (
    select * from {{ ref('int_competitors__observations_checked') }}
),

quarantined as (
    select
        observation_id,
        observation_problem as quarantine_reason,
        competitor,
        listing_key,
        product_id,
        observed_at,
        price_text,
        price,
        currency,
        price_in_catalog_currency,
        catalog_list_price,
        catalog_currency,
        source_file
    from observations
    where observation_problem is not null
)

select * from quarantined
