{# One row per product: its latest version in the landed catalog files (what the snapshot records). #}

with

products as (
    select * from {{ ref('stg_catalog__products') }}
),

ranked as (
    select
        products.*,
        row_number() over (
            partition by products.product_id
            order by products.valid_from desc, products.source_file desc
        ) as version_rank
    from products
),

current_versions as (
    select
        product_id,
        product_version_id,
        sku,
        gtin,
        product_name,
        brand,
        category_path,
        category,
        list_price,
        unit_cost,
        currency,
        price_tier,
        inventory_status,
        valid_from,
        gtin_normalized,
        sku_normalized
    from ranked
    where version_rank = 1
)

select * from current_versions
