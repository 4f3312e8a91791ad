{#
    One row per staged product line of every product event, with its event's time and people, the
    catalog version valid at the event time (events before a product's first known version get
    that first version, flagged), and our price in the catalog's currency for comparison.
#}

with

product_lines as (
    select * from {{ ref('stg_segment__product_lines') }}
),

events as (
    select * from {{ ref('int_events_deduplicated') }}
),

versions as (
    select * from {{ ref('int_catalog__product_versions') }}
),

fx_rates as (
    select * from {{ ref('competitor_fx_rates') }}
),

staged_lines as (
    select
        product_lines.product_line_key,
        events.event_id,
        events.event_name,
        events.event_at,
        events.user_id,
        events.anonymous_id,
        product_lines.product_index,
        product_lines.product_id,
        product_lines.sku,
        product_lines.product_name,
        product_lines.price,
        coalesce(product_lines.quantity, 1) as quantity,
        coalesce(product_lines.currency, events.currency, '{{ var("cdp__default_currency", "USD") }}') as currency
    from product_lines
    inner join events
        on product_lines.message_key = events.message_key
),

with_catalog as (
    select
        staged_lines.*,
        versions.product_version_id,
        versions.product_name as catalog_product_name,
        versions.brand,
        versions.category_path,
        versions.category,
        versions.price_tier,
        versions.inventory_status,
        versions.list_price as catalog_list_price,
        versions.unit_cost,
        versions.currency as catalog_currency,
        versions.is_first_version and staged_lines.event_at < versions.valid_from as is_catalog_backfilled,
        line_fx.units_per_usd as line_units_per_usd,
        catalog_fx.units_per_usd as catalog_units_per_usd
    from staged_lines
    left join versions
        on
            staged_lines.product_id = versions.product_id
            and (staged_lines.event_at >= versions.valid_from or versions.is_first_version)
            and (staged_lines.event_at < versions.valid_to or versions.valid_to is null)
    left join fx_rates as line_fx
        on staged_lines.currency = line_fx.currency
    left join fx_rates as catalog_fx
        on versions.currency = catalog_fx.currency
),

priced as (
    select
        product_line_key,
        event_id,
        event_name,
        event_at,
        user_id,
        anonymous_id,
        product_index,
        product_id,
        sku,
        coalesce(product_name, catalog_product_name) as product_name,
        brand,
        category_path,
        category,
        price_tier,
        inventory_status,
        product_version_id,
        coalesce(is_catalog_backfilled, false) as is_catalog_backfilled,
        price,
        quantity,
        currency,
        catalog_list_price,
        unit_cost,
        catalog_currency,
        cast(
            case
                when currency = catalog_currency then price
                else price / line_units_per_usd * catalog_units_per_usd
            end as decimal(18, 4)
        ) as price_in_catalog_currency
    from with_catalog
),

final as (
    select
        priced.*,
        coalesce(priced.price_in_catalog_currency, priced.catalog_list_price) as our_price,
        coalesce(priced.price_in_catalog_currency, priced.catalog_list_price) - priced.unit_cost as unit_margin,
        case
            when coalesce(priced.price_in_catalog_currency, priced.catalog_list_price) > 0
                then cast(round(
                    (coalesce(priced.price_in_catalog_currency, priced.catalog_list_price) - priced.unit_cost)
                    / coalesce(priced.price_in_catalog_currency, priced.catalog_list_price),
                    4
                ) as decimal(9, 4))
        end as margin_pct
    from priced
)

select * from final
