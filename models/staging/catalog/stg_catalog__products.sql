{#
    One row per product version in the landed catalog files: typed, identifiers normalised for
    matching (GTIN as 14 digits, SKU as upper-case letters and digits).
#}

with

source_rows as (
    {% if cdp_landing_files_exist('catalog/products*.csv') %}
        select * from {{ source('catalog', 'products') }}
    {% else %}
        {{ cdp_empty_text_relation([
            'product_id', 'sku', 'gtin', 'name', 'brand', 'category_path',
            'list_price', 'unit_cost', 'currency', 'price_tier', 'inventory_status', 'valid_from', 'filename'
        ]) }}
    {% endif %}
),

typed as (
    select
        nullif(trim(product_id), '') as product_id,
        nullif(trim(sku), '') as sku,
        nullif(trim(gtin), '') as gtin,
        nullif(trim(name), '') as product_name,
        nullif(trim(brand), '') as brand,
        nullif(trim(category_path), '') as category_path,
        {{ cdp_to_decimal('list_price') }} as list_price,
        {{ cdp_to_decimal('unit_cost') }} as unit_cost,
        coalesce(upper(nullif(trim(currency), '')), '{{ var("cdp__default_currency", "USD") }}') as currency,
        lower(nullif(trim(price_tier), '')) as price_tier,
        lower(nullif(trim(inventory_status), '')) as inventory_status,
        coalesce({{ cdp_parse_timestamp('valid_from') }}, cast('1970-01-01' as timestamp)) as valid_from,
        {{ cdp_landing_relative_path('filename', 'catalog') }} as source_file
    from source_rows
),

normalised as (
    select
        {{ dbt.concat(['product_id', "':'", dbt.safe_cast('valid_from', dbt.type_string())]) }} as product_version_id,
        product_id,
        sku,
        gtin,
        product_name,
        brand,
        category_path,
        trim(split_part(category_path, '>', 1)) as category,
        list_price,
        unit_cost,
        list_price - unit_cost as unit_margin,
        case when list_price > 0 then cast(round((list_price - unit_cost) / list_price, 4) as decimal(9, 4)) end
            as margin_pct,
        currency,
        price_tier,
        inventory_status,
        valid_from,
        {{ enrichment_normalise_gtin('gtin') }} as gtin_normalized,
        {{ enrichment_normalise_sku('sku') }} as sku_normalized,
        source_file
    from typed
    where product_id is not null
)

select * from normalised
