{#
    One row per competitor stock-out window (from a stock-out to the next restock, open while none)
    of a product our customers viewed, with the views of that product during the window.
#}

with

lifecycle as (
    select * from {{ ref('fct_product_lifecycle_events') }}
),

enriched as (
    select * from {{ ref('fct_product_events_enriched') }}
),

stock_changes as (
    select
        lifecycle_event_id,
        lifecycle_event_type,
        occurred_at,
        product_id,
        competitor,
        listing_key,
        lead(occurred_at) over (partition by competitor, listing_key order by occurred_at) as next_change_at
    from lifecycle
    where lifecycle_event_type in ('competitor_stock_out', 'competitor_restock') and product_id is not null
),

windows as (
    select
        lifecycle_event_id as stockout_window_id,
        product_id,
        competitor,
        listing_key,
        occurred_at as stock_out_at,
        next_change_at as restocked_at
    from stock_changes
    where lifecycle_event_type = 'competitor_stock_out'
),

views as (
    select
        product_id,
        event_at
    from enriched
    where event_name = 'Product Viewed'
),

windows_viewed as (
    select
        windows.stockout_window_id,
        windows.product_id,
        windows.competitor,
        windows.listing_key,
        windows.stock_out_at,
        windows.restocked_at,
        windows.restocked_at is null as is_open,
        count(*) as product_views_during_window
    from windows
    inner join views
        on
            windows.product_id = views.product_id
            and windows.stock_out_at <= views.event_at
            and (windows.restocked_at > views.event_at or windows.restocked_at is null)
    group by
        windows.stockout_window_id,
        windows.product_id,
        windows.competitor,
        windows.listing_key,
        windows.stock_out_at,
        windows.restocked_at
)

select * from windows_viewed
