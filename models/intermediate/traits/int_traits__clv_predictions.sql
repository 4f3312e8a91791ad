{%- set horizon = var('cdp__clv_horizon_days') -%}
{%- set terms = var('cdp__clv_hypergeometric_terms') -%}
{#
    One row per profile with at least one order before cdp_as_of(): BG/NBD probability of being
    alive and expected purchase days in the next var cdp__clv_horizon_days (365) days, Gamma-Gamma
    expected average order value, and their product (undiscounted CLV, reporting currency).

    Expected purchases (Fader, Hardie & Lee 2005, eq. 10):
      (a + b + x - 1) / (a - 1) * [1 - ((alpha + T) / (alpha + T + t))^(r + x) * 2F1(r + x, b + x; a + b + x - 1; z)]
      * P(alive),  z = t / (alpha + T + t) < 1.
    The Gauss hypergeometric 2F1 is its power series summed over var cdp__clv_hypergeometric_terms
    terms: term n = exp(running sum of ln|ratio_k|, k < n) with the sign from the count of negative
    ratios, ratio_k = (a' + k)(b' + k) / ((c' + k)(k + 1)) z. hypergeometric_tail_bound bounds what
    the unsummed terms add (last term * ratio / (1 - ratio), once the ratio is below 1 and falling
    towards z); NULL means the series had not started to converge within the terms summed.
#}

with

customers as (
    select * from {{ ref('int_traits__customer_transactions') }}
),

bgnbd as (
    select * from {{ ref('int_traits__bgnbd_parameters') }}
),

gamma_gamma as (
    select * from {{ ref('int_traits__gamma_gamma_parameters') }}
),

digits as (
    select 0 as d
    union all
    select 1 as d
    union all
    select 2 as d
    union all
    select 3 as d
    union all
    select 4 as d
    union all
    select 5 as d
    union all
    select 6 as d
    union all
    select 7 as d
    union all
    select 8 as d
    union all
    select 9 as d
),

numbers as (
    select ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d as n
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
    where ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d < {{ terms }}
),

series_groups as (
    select distinct
        customers.clv_frequency as x,
        customers.clv_age_days as age,
        bgnbd.r + customers.clv_frequency as hyp_a,
        bgnbd.b + customers.clv_frequency as hyp_b,
        bgnbd.a + bgnbd.b + customers.clv_frequency - 1 as hyp_c,
        {{ horizon }} / (bgnbd.alpha + customers.clv_age_days + {{ horizon }}) as hyp_z
    from customers
    cross join bgnbd
),

series_ratios as (
    select
        series_groups.x,
        series_groups.age,
        numbers.n,
        (series_groups.hyp_a + numbers.n) * (series_groups.hyp_b + numbers.n)
        / ((series_groups.hyp_c + numbers.n) * (numbers.n + 1)) * series_groups.hyp_z as ratio
    from series_groups
    cross join numbers
),

series_terms as (
    select
        x,
        age,
        n,
        ratio,
        coalesce(
            sum(ln(abs(ratio))) over (
                partition by x, age order by n rows between unbounded preceding and 1 preceding
            ),
            0
        ) as log_abs_term,
        coalesce(
            sum(case when ratio < 0 then 1 else 0 end) over (
                partition by x, age order by n rows between unbounded preceding and 1 preceding
            ),
            0
        ) as negative_ratios
    from series_ratios
),

series_sums as (
    select
        x,
        age,
        sum(
            case when mod(negative_ratios, 2) = 1 then -1 else 1 end * exp(log_abs_term)
        ) as hyp2f1,
        max(
            case
                when n = {{ terms - 1 }} and ratio > 0 and ratio < 1
                    then exp(log_abs_term) * ratio / (1 - ratio)
            end
        ) as hypergeometric_tail_bound
    from series_terms
    group by x, age
),

predicted as (
    select
        customers.profile_id,
        customers.clv_frequency,
        customers.clv_recency_days,
        customers.clv_age_days,
        customers.clv_monetary_value,
        1.0 / (
            1.0 + case
                when customers.clv_frequency > 0
                    then
                        bgnbd.a / (bgnbd.b + customers.clv_frequency - 1)
                        * exp(
                            (bgnbd.r + customers.clv_frequency)
                            * ln((bgnbd.alpha + customers.clv_age_days) / (bgnbd.alpha + customers.clv_recency_days))
                        )
                else 0
            end
        ) as probability_alive,
        (bgnbd.a + bgnbd.b + customers.clv_frequency - 1) / (bgnbd.a - 1)
        * (
            1.0 - exp(
                (bgnbd.r + customers.clv_frequency)
                * ln((bgnbd.alpha + customers.clv_age_days) / (bgnbd.alpha + customers.clv_age_days + {{ horizon }}))
            ) * series_sums.hyp2f1
        ) as unconditional_part,
        series_sums.hyp2f1,
        series_sums.hypergeometric_tail_bound,
        case
            when customers.clv_frequency > 0 and customers.clv_monetary_value is not null
                then
                    (gamma_gamma.gamma + customers.clv_monetary_value * customers.clv_frequency) * gamma_gamma.p
                    / (gamma_gamma.p * customers.clv_frequency + gamma_gamma.q - 1)
            when gamma_gamma.q > 1
                then gamma_gamma.p * gamma_gamma.gamma / (gamma_gamma.q - 1)
        end as expected_average_order_value
    from customers
    left join bgnbd
        on 1 = 1
    left join gamma_gamma
        on 1 = 1
    left join series_sums
        on
            customers.clv_frequency = series_sums.x
            and customers.clv_age_days = series_sums.age
),

final as (
    select
        profile_id,
        clv_frequency,
        clv_recency_days,
        clv_age_days,
        clv_monetary_value,
        probability_alive,
        unconditional_part * probability_alive as predicted_purchases,
        expected_average_order_value,
        unconditional_part * probability_alive * expected_average_order_value as predicted_clv,
        hyp2f1,
        hypergeometric_tail_bound
    from predicted
)

select * from final
