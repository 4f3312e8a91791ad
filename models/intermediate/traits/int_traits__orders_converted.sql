{#
    One row per order placed before cdp_as_of(), with its revenue in the reporting currency
    (var cdp__reporting_currency). Conversion goes through USD with seeds/competitor_fx_rates.csv
    (units_per_usd): amount / units_per_usd(order currency) * units_per_usd(reporting currency).
    An order already in the reporting currency needs no rate (so cdp__reporting_currency: BRL
    reports Olist's BRL orders as they are, though the seed has no BRL rate). Any other order whose
    currency (or the reporting currency) has no rate gets a NULL converted revenue and
    has_fx_rate = false: it still counts as an order, but is never summed into money; the warn-level
    test cdp_traits_orders_have_fx_rate lists such currencies in the build output. is_refunded and
    is_cancelled are as of cdp_as_of(): a refund or cancellation at or after it is not counted yet.
#}

with

orders as (
    select * from {{ ref('fct_orders') }}
    where {{ cdp_before_as_of('ordered_at') }}
),

{{ cdp_reporting_fx_rates() }},

converted as (
    select
        orders.order_id,
        orders.profile_id,
        orders.ordered_at,
        {{ dbt.cast('orders.ordered_at', 'date') }} as ordered_date,
        orders.currency,
        coalesce(orders.revenue, orders.total) as revenue,
        upper('{{ var("cdp__reporting_currency") }}') as reporting_currency,
        coalesce(upper(trim(orders.currency)) = upper('{{ var("cdp__reporting_currency") }}'), false)
        or (order_rates.units_per_usd is not null and reporting_rate.units_per_usd is not null) as has_fx_rate,
        {{ cdp_in_reporting_currency('coalesce(orders.revenue, orders.total)', 'orders.currency', 'order_rates') }}
            as revenue_reporting,
        -- point in time: a refund or cancellation recorded at or after cdp_as_of() has not happened yet
        coalesce(orders.is_refunded and {{ cdp_before_as_of('orders.refunded_at') }}, false) as is_refunded,
        coalesce(orders.is_cancelled and {{ cdp_before_as_of('orders.cancelled_at') }}, false) as is_cancelled
    from orders
    left join fx_rates as order_rates
        on upper(trim(orders.currency)) = order_rates.currency
    left join reporting_rate
        on 1 = 1
)

select * from converted
