{#
    One row per profile with at least one (not cancelled) order before cdp_as_of(): RFM quintile scores 1-5 and
    the named segment. score = 1 + floor(5 * (rank - 1) / customers), rank() ascending over the
    customers with orders, so equal values always share a score (no tie-break on profile_id: two
    customers who behave alike get the same segment, and an identity merge renaming profiles cannot
    move anyone): with 70% one-order customers they all score F = 1 and the next value starts at
    F = 4. recency = days since the last order (fewer days, higher score), frequency = order count,
    monetary = lifetime revenue in the reporting currency (NULL, no FX rate, counts as 0).
    Segments, first match wins (R, F, M = the scores):
      Champions        R >= 4, F >= 4, M >= 4
      Loyal            R >= 3, F >= 4
      Potential Loyalist R >= 4, F 2-3
      New              R >= 4, F = 1
      Need Attention   R = 3, F = 3
      Promising        R = 3, F <= 2
      Cannot Lose Them R <= 2, F >= 4, M >= 4
      At Risk          R <= 2, F >= 3
      About To Sleep   R = 2, F <= 2
      Hibernating      R = 1, F <= 2
#}

with

orders as (
    select * from {{ ref('int_traits__orders_converted') }}
    -- a cancelled order (cancelled before cdp_as_of()) is not a purchase
    where not coalesce(is_cancelled, false)
),

per_customer as (
    select
        profile_id,
        count(*) as order_count,
        max(ordered_at) as last_order_at,
        coalesce(sum(revenue_reporting), 0) as lifetime_revenue
    from orders
    group by profile_id
),

as_of as (
    select {{ cdp_as_of() }} as as_of_at
),

measured as (
    select
        per_customer.profile_id,
        per_customer.order_count,
        per_customer.lifetime_revenue,
        {{ dbt.datediff('per_customer.last_order_at', 'as_of.as_of_at', 'day') }}
            as days_since_last_order
    from per_customer
    cross join as_of
),

scored as (
    select
        profile_id,
        order_count,
        lifetime_revenue,
        days_since_last_order,
        {{ dbt.cast('1 + floor(5.0 * (rank() over (order by days_since_last_order desc) - 1)'
            ~ ' / count(*) over ())', 'integer') }} as rfm_recency_score,
        {{ dbt.cast('1 + floor(5.0 * (rank() over (order by order_count asc) - 1) / count(*) over ())',
            'integer') }} as rfm_frequency_score,
        {{ dbt.cast('1 + floor(5.0 * (rank() over (order by lifetime_revenue asc) - 1) / count(*) over ())',
            'integer') }} as rfm_monetary_score
    from measured
),

segmented as (
    select
        profile_id,
        order_count,
        lifetime_revenue,
        days_since_last_order,
        rfm_recency_score,
        rfm_frequency_score,
        rfm_monetary_score,
        case
            when rfm_recency_score >= 4 and rfm_frequency_score >= 4 and rfm_monetary_score >= 4 then 'Champions'
            when rfm_recency_score >= 3 and rfm_frequency_score >= 4 then 'Loyal'
            when rfm_recency_score >= 4 and rfm_frequency_score >= 2 then 'Potential Loyalist'
            when rfm_recency_score >= 4 then 'New'
            when rfm_recency_score = 3 and rfm_frequency_score = 3 then 'Need Attention'
            when rfm_recency_score = 3 then 'Promising'
            when rfm_frequency_score >= 4 and rfm_monetary_score >= 4 then 'Cannot Lose Them'
            when rfm_frequency_score >= 3 then 'At Risk'
            when rfm_recency_score = 2 then 'About To Sleep'
            else 'Hibernating'
        end as rfm_segment
    from scored
)

select * from segmented
