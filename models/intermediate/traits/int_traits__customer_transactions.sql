{#
    One row per profile with at least one (not cancelled) order before cdp_as_of(): the BG/NBD and Gamma-Gamma
    inputs as in lifetimes' summary_data_from_transaction_data(freq='D'). A transaction is a
    distinct purchase day (UTC); the observation ends on the last day before cdp_as_of()
    (the day of as_of minus one second, so an as_of of 1998-07-01 00:00:00 ends on 1998-06-30).
    clv_frequency = purchase days - 1, clv_recency_days = first to last purchase day,
    clv_age_days = first purchase day to observation end, clv_monetary_value = mean revenue
    (reporting currency) of the repeat purchase days (the first day excluded, as lifetimes does).
#}

with

orders as (
    select * from {{ ref('int_traits__orders_converted') }}
    -- a cancelled order (cancelled before cdp_as_of()) is not a purchase
    where not coalesce(is_cancelled, false)
),

observation as (
    select
        {{ dbt.cast(dbt.dateadd('second', -1, cdp_as_of()), 'date') }} as observation_end_date
),

purchase_days as (
    select
        profile_id,
        ordered_date,
        count(*) as order_count,
        sum(revenue_reporting) as day_revenue
    from orders
    group by profile_id, ordered_date
),

purchase_days_numbered as (
    select
        profile_id,
        ordered_date,
        day_revenue,
        row_number() over (partition by profile_id order by ordered_date) as day_number
    from purchase_days
),

per_customer as (
    select
        profile_id,
        count(*) as purchase_days,
        min(ordered_date) as first_purchase_date,
        max(ordered_date) as last_purchase_date,
        avg(case when day_number > 1 then day_revenue end) as clv_monetary_value
    from purchase_days_numbered
    group by profile_id
),

summarised as (
    select
        per_customer.profile_id,
        per_customer.purchase_days,
        per_customer.first_purchase_date,
        per_customer.last_purchase_date,
        observation.observation_end_date,
        {{ dbt.cast('per_customer.purchase_days - 1', 'integer') }} as clv_frequency,
        {{ dbt.cast(
            dbt.datediff('per_customer.first_purchase_date', 'per_customer.last_purchase_date', 'day'),
            cdp_type_double()
        ) }} as clv_recency_days,
        {{ dbt.cast(
            dbt.datediff('per_customer.first_purchase_date', 'observation.observation_end_date', 'day'),
            cdp_type_double()
        ) }} as clv_age_days,
        per_customer.clv_monetary_value
    from per_customer
    cross join observation
)

select * from summarised
