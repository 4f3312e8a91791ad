{#
    One row per profile in dim_profiles: the standard ecommerce traits as of cdp_as_of(), money
    in var cdp__reporting_currency. Profiles without orders have order_count 0, revenue and margin
    0, RFM segment 'No Orders' and NULL order, RFM and CLV measures; profiles whose orders all
    lack an FX rate have a NULL (unknown, not 0) lifetime_revenue; an order cancelled before
    cdp_as_of() is no purchase (left out of every order measure, counted in cancelled_order_count);
    profiles without a consent
    record have every consent false. docs/customer_traits.md defines each column.
#}

with

profiles as (
    select profile_id from {{ ref('dim_profiles') }}
),

orders as (
    select * from {{ ref('int_traits__orders_converted') }}
),

purchase_lines as (
    select * from {{ ref('int_traits__purchase_lines') }}
),

affinities as (
    select * from {{ ref('customer_affinities') }}
    where affinity_rank = 1
),

rfm as (
    select * from {{ ref('int_traits__rfm_scores') }}
),

clv as (
    select * from {{ ref('int_traits__clv_predictions') }}
),

consent as (
    select * from {{ ref('int_traits__consent_latest') }}
),

as_of as (
    select {{ cdp_as_of() }} as as_of_at
),

order_totals as (
    select
        profile_id,
        count(*) as order_count,
        sum(case when has_fx_rate then 1 else 0 end) as converted_order_count,
        sum(case when has_fx_rate then 0 else 1 end) as orders_without_fx_rate,
        coalesce(sum(revenue_reporting), 0) as lifetime_revenue,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        sum(case when is_refunded then 1 else 0 end) as refunded_order_count
    from orders
    where not coalesce(is_cancelled, false)
    group by profile_id
),

cancellations as (
    select
        profile_id,
        count(*) as cancelled_order_count
    from orders
    where coalesce(is_cancelled, false)
    group by profile_id
),

order_summary as (
    select
        order_totals.*,
        {{ dbt.datediff('order_totals.first_order_at', 'as_of.as_of_at', 'second') }}
        / 86400.0 as customer_age_days
    from order_totals
    cross join as_of
),

line_summary as (
    select
        profile_id,
        coalesce(sum(line_margin_reporting), 0) as lifetime_margin,
        sum(case when price_position = 'cheapest' then 1 else 0 end) as cheapest_line_count,
        sum(
            case when price_position in ('cheapest', 'mid_range', 'premium') then 1 else 0 end
        ) as compared_line_count
    from purchase_lines
    group by profile_id
),

preferences as (
    select
        profile_id,
        max(case when dimension = 'category' then dimension_value end) as preferred_category,
        max(case when dimension = 'brand' then dimension_value end) as preferred_brand,
        max(case when dimension = 'price_tier' then dimension_value end) as preferred_price_tier
    from affinities
    group by profile_id
),

joined as (
    select
        profiles.profile_id,
        {{ cdp_as_of() }} as as_of_at,
        coalesce(order_summary.order_count, 0) as order_count,
        coalesce(order_summary.orders_without_fx_rate, 0) as orders_without_fx_rate,
        coalesce(cancellations.cancelled_order_count, 0) as cancelled_order_count,
        case
            when order_summary.order_count > 0 and order_summary.converted_order_count = 0 then null
            else coalesce(order_summary.lifetime_revenue, 0)
        end as lifetime_revenue,
        coalesce(line_summary.lifetime_margin, 0) as lifetime_margin,
        upper('{{ var("cdp__reporting_currency") }}') as reporting_currency,
        case
            when order_summary.converted_order_count > 0
                then order_summary.lifetime_revenue / order_summary.converted_order_count
        end as average_order_value,
        order_summary.first_order_at,
        order_summary.last_order_at,
        rfm.days_since_last_order,
        case
            when order_summary.order_count > 0
                then order_summary.order_count * 30.0 / greatest(order_summary.customer_age_days, 1.0)
        end as purchase_frequency,
        case
            when order_summary.order_count > 0
                then 1.0 * order_summary.refunded_order_count / order_summary.order_count
        end as refund_rate,
        preferences.preferred_category,
        preferences.preferred_brand,
        preferences.preferred_price_tier,
        case
            when line_summary.compared_line_count > 0
                then 1.0 * line_summary.cheapest_line_count / line_summary.compared_line_count
        end as price_sensitivity,
        rfm.rfm_recency_score,
        rfm.rfm_frequency_score,
        rfm.rfm_monetary_score,
        coalesce(rfm.rfm_segment, 'No Orders') as rfm_segment,
        clv.clv_frequency,
        clv.clv_recency_days,
        clv.clv_age_days,
        clv.clv_monetary_value,
        clv.probability_alive,
        clv.predicted_purchases as predicted_purchases_365d,
        clv.expected_average_order_value,
        clv.predicted_clv as predicted_clv_365d,
        coalesce(consent.consent_marketing, false) as consent_marketing,
        coalesce(consent.consent_advertising, false) as consent_advertising,
        coalesce(consent.consent_analytics, false) as consent_analytics,
        consent.consent_updated_at
    from profiles
    left join order_summary
        on profiles.profile_id = order_summary.profile_id
    left join line_summary
        on profiles.profile_id = line_summary.profile_id
    left join preferences
        on profiles.profile_id = preferences.profile_id
    left join rfm
        on profiles.profile_id = rfm.profile_id
    left join clv
        on profiles.profile_id = clv.profile_id
    left join consent
        on profiles.profile_id = consent.profile_id
    left join cancellations
        on profiles.profile_id = cancellations.profile_id
),

final as (
    select
        {{ dbt.cast('profile_id', dbt.type_string()) }} as profile_id,
        as_of_at,
        {{ dbt.cast('order_count', 'bigint') }} as order_count,
        {{ dbt.cast('lifetime_revenue', 'decimal(18, 2)') }} as lifetime_revenue,
        {{ dbt.cast('lifetime_margin', 'decimal(18, 2)') }} as lifetime_margin,
        reporting_currency,
        {{ dbt.cast('average_order_value', 'decimal(18, 2)') }} as average_order_value,
        first_order_at,
        last_order_at,
        {{ dbt.cast('days_since_last_order', 'integer') }} as days_since_last_order,
        {{ dbt.cast('purchase_frequency', cdp_type_double()) }} as purchase_frequency,
        {{ dbt.cast('refund_rate', cdp_type_double()) }} as refund_rate,
        preferred_category,
        preferred_brand,
        preferred_price_tier,
        {{ dbt.cast('price_sensitivity', cdp_type_double()) }} as price_sensitivity,
        rfm_recency_score,
        rfm_frequency_score,
        rfm_monetary_score,
        rfm_segment,
        clv_frequency,
        clv_recency_days,
        clv_age_days,
        {{ dbt.cast('probability_alive', cdp_type_double()) }} as probability_alive,
        {{ dbt.cast('predicted_purchases_365d', cdp_type_double()) }} as predicted_purchases_365d,
        {{ dbt.cast('predicted_clv_365d', 'decimal(18, 2)') }} as predicted_clv_365d,
        consent_marketing,
        consent_advertising,
        consent_analytics,
        {{ dbt.cast('orders_without_fx_rate', 'bigint') }} as orders_without_fx_rate,
        {{ dbt.cast('cancelled_order_count', 'bigint') }} as cancelled_order_count,
        {{ dbt.cast('clv_monetary_value', cdp_type_double()) }} as clv_monetary_value,
        {{ dbt.cast('expected_average_order_value', cdp_type_double()) }} as expected_average_order_value,
        consent_updated_at
    from joined
)

select * from final
