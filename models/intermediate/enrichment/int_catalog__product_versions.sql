{#
    One row per product version (SCD2): every version in the landed files plus every version the
    snapshot kept from earlier loads, with valid_from / valid_to. A version landed in the files wins
    over the snapshot's copy of the same (product_id, valid_from).
#}

with

landed as (
    select * from {{ ref('stg_catalog__products') }}
),

snapshotted as (
    select * from {{ ref('snap_catalog__products') }}
),

all_versions as (
    select
        product_id,
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
        sku_normalized,
        1 as source_priority
    from landed
    union all
    select
        product_id,
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
        dbt_valid_from as valid_from,
        gtin_normalized,
        sku_normalized,
        2 as source_priority
    from snapshotted
),

deduplicated as (
    select
        all_versions.*,
        row_number() over (
            partition by all_versions.product_id, all_versions.valid_from
            order by all_versions.source_priority
        ) as copy_rank
    from all_versions
),

versioned as (
    select
        {{ dbt.concat(['product_id', "':'", dbt.safe_cast('valid_from', dbt.type_string())]) }} as product_version_id,
        product_id,
        sku,
        gtin,
        product_name,
        brand,
        category_path,
        category,
        list_price,
        unit_cost,
        list_price - unit_cost as unit_margin,
        case when list_price > 0 then cast(round((list_price - unit_cost) / list_price, 4) as decimal(9, 4)) end
            as margin_pct,
        currency,
        price_tier,
        inventory_status,
        gtin_normalized,
        sku_normalized,
        valid_from,
        lead(valid_from) over (partition by product_id order by valid_from) as valid_to,
        row_number() over (partition by product_id order by valid_from) = 1 as is_first_version
    from deduplicated
    where copy_rank = 1
)

select * from versioned
