{#
    One row per product line of every product event: each element of properties.products[]
    (an object where an array belongs is read as one product), or the properties themselves for
    single-product events such as Product Viewed. Lines without a product id are kept and flagged.
    Incremental by file, like stg_segment__messages.
#}

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
) }}

with

messages as (
    select * from {{ ref('stg_segment__messages') }}
    {% if is_incremental() %}
        where source_file not in (select distinct previous.source_file from {{ this }} as previous)
    {% endif %}
),

product_messages as (
    select
        message_key,
        message_id,
        source_file,
        event_name,
        currency as message_currency,
        products_json,
        properties,
        case
            when substr(trim(products_json), 1, 1) = '[' then 'array'
            when substr(trim(products_json), 1, 1) = '{' then 'object'
            when
                event_name in (
                    {{ sql_string_list(single_product_events()) }}
                )
                then 'properties'
        end as products_shape
    from messages
    where
        products_json is not null
        or event_name in (
            {{ sql_string_list(single_product_events()) }}
        )
),

array_products as (
    {{ cdp_explode_json_array("(select * from product_messages where products_shape = 'array')",
        'products_json', 'product_json', 'product_index') }}
),

products as (
    select
        message_key,
        message_id,
        source_file,
        event_name,
        message_currency,
        cast(product_index as integer) as product_index,
        product_json
    from array_products
    union all
    select
        message_key,
        message_id,
        source_file,
        event_name,
        message_currency,
        1 as product_index,
        case when products_shape = 'object' then products_json else properties end as product_json
    from product_messages
    where products_shape in ('object', 'properties')
),

parsed as (
    select
        products.*,
        case
            when substr(trim(products.product_json), 1, 1) = '{'
                then {{ cdp_parse_json('products.product_json', segment_product_spec()) }}
        end as product
    from products
),

typed as (
    select
        {{ dbt.concat(['message_key', "':'", dbt.safe_cast('product_index', dbt.type_string())]) }} as product_line_key,
        message_key,
        message_id,
        source_file,
        event_name,
        product_index,
        nullif(trim(product.product_id), '') as product_id,
        nullif(trim(product.sku), '') as sku,
        nullif(trim(product.name), '') as product_name,
        nullif(trim(product.brand), '') as brand,
        nullif(trim(product.category), '') as category,
        nullif(trim(product.variant), '') as variant,
        {{ cdp_to_decimal('product.price') }} as price,
        {{ cdp_to_decimal('product.quantity') }} as quantity,
        {{ cdp_to_integer('product.position') }} as position,
        nullif(trim(product.coupon), '') as coupon,
        product.url as product_url,
        product.image_url,
        coalesce(upper(nullif(trim(product.currency), '')), message_currency) as currency,
        product.price as price_text,
        product.quantity as quantity_text,
        product_json
    from parsed
),

final as (
    select
        product_line_key,
        message_key,
        message_id,
        source_file,
        event_name,
        product_index,
        product_id,
        sku,
        product_name,
        brand,
        category,
        variant,
        price,
        quantity,
        position,
        coupon,
        product_url,
        image_url,
        currency,
        product_id is null as is_missing_product_id,
        case
            when substr(trim(product_json), 1, 1) != '{' then 'not_a_product'
            when nullif(trim(price_text), '') is not null and price is null then 'non_numeric_price'
            when nullif(trim(quantity_text), '') is not null and quantity is null then 'non_numeric_quantity'
        end as product_problem,
        product_json
    from typed
)

select * from final
