{#-
    Grid refinement as in int_traits__bgnbd_parameters: round 1 is a 7^3 grid spaced by exp(1.2)
    around p = 2, q = 2 and gamma = the mean repeat-purchase value (gamma is in money units); then
    3^3 grids around the best point so far, the log-step starting at 0.5 and halving whenever the
    centre stays best (kept while the search moves: the Gamma-Gamma likelihood has a long curved
    ridge that a shrinking grid would stop short on).
-#}
{%- set rounds = [{'half': 3, 'next_step': 0.5}] -%}
{%- for _ in range(30) -%}
    {%- do rounds.append({'half': 1}) -%}
{%- endfor -%}
{#
    One row (model = 'gamma_gamma'): maximum-likelihood Gamma-Gamma spend parameters p, q, gamma
    (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis";
    Fader & Hardie 2013 note) by the same grid refinement. Fitted on customers with x > 0 repeat
    purchase days and a positive mean repeat-day value m_x (a zero mean has no likelihood). Per
    customer: lgamma(p x + q) - lgamma(p x) - lgamma(q) + q ln(gamma) + (p x - 1) ln(m_x)
    + p x ln(x) - (p x + q) ln(gamma + m_x x).
#}

with

customers as (
    select * from {{ ref('int_traits__customer_transactions') }}
    where
        clv_frequency > 0
        and clv_monetary_value > 0
),

customer_groups as (
    select
        clv_frequency as x,
        clv_monetary_value as m_x,
        count(*) as customer_count
    from customers
    group by clv_frequency, clv_monetary_value
),

distinct_x as (
    select distinct x from customer_groups
),

offsets as (
    select -3 as k
    union all
    select -2 as k
    union all
    select -1 as k
    union all
    select 0 as k
    union all
    select 1 as k
    union all
    select 2 as k
    union all
    select 3 as k
),

best_0 as (
    select
        2.0 as p,
        2.0 as q,
        avg(clv_monetary_value) as gamma,
        {{ dbt.cast('1.2', cdp_type_double()) }} as step
    from customers
),

{%- for round in rounds %}
    {%- set i = loop.index %}

    p_values_{{ i }} as (
        select best_{{ i - 1 }}.p * exp(offsets.k * best_{{ i - 1 }}.step) as p
        from best_{{ i - 1 }}
        cross join offsets
        where offsets.k between -{{ round.half }} and {{ round.half }}
    ),

    q_values_{{ i }} as (
        select best_{{ i - 1 }}.q * exp(offsets.k * best_{{ i - 1 }}.step) as q
        from best_{{ i - 1 }}
        cross join offsets
        where offsets.k between -{{ round.half }} and {{ round.half }}
    ),

    gamma_values_{{ i }} as (
        select best_{{ i - 1 }}.gamma * exp(offsets.k * best_{{ i - 1 }}.step) as gamma
        from best_{{ i - 1 }}
        cross join offsets
        where offsets.k between -{{ round.half }} and {{ round.half }}
    ),

    lgamma_arguments_{{ i }} as (
        select p_values_{{ i }}.p * distinct_x.x + q_values_{{ i }}.q as argument
        from p_values_{{ i }}
        cross join q_values_{{ i }}
        cross join distinct_x
        union
        select p_values_{{ i }}.p * distinct_x.x as argument
        from p_values_{{ i }}
        cross join distinct_x
        union
        select q_values_{{ i }}.q as argument
        from q_values_{{ i }}
    ),

    lgammas_{{ i }} as (
        select
            argument,
            {{ cdp_lgamma('argument') }} as lgamma_value
        from lgamma_arguments_{{ i }}
    ),

    pq_terms_{{ i }} as (
        select
            p_values_{{ i }}.p,
            q_values_{{ i }}.q,
            distinct_x.x,
            lgamma_pxq.lgamma_value - lgamma_px.lgamma_value - lgamma_q.lgamma_value as pq_term
        from p_values_{{ i }}
        cross join q_values_{{ i }}
        cross join distinct_x
        inner join lgammas_{{ i }} as lgamma_pxq
            on p_values_{{ i }}.p * distinct_x.x + q_values_{{ i }}.q = lgamma_pxq.argument
        inner join lgammas_{{ i }} as lgamma_px
            on p_values_{{ i }}.p * distinct_x.x = lgamma_px.argument
        inner join lgammas_{{ i }} as lgamma_q
            on q_values_{{ i }}.q = lgamma_q.argument
    ),

    likelihoods_{{ i }} as (
        select
            pq_terms_{{ i }}.p,
            pq_terms_{{ i }}.q,
            gamma_values_{{ i }}.gamma,
            sum(
                customer_groups.customer_count * (
                    pq_terms_{{ i }}.pq_term
                    + pq_terms_{{ i }}.q * ln(gamma_values_{{ i }}.gamma)
                    + (pq_terms_{{ i }}.p * customer_groups.x - 1) * ln(customer_groups.m_x)
                    + pq_terms_{{ i }}.p * customer_groups.x * ln(customer_groups.x)
                    - (pq_terms_{{ i }}.p * customer_groups.x + pq_terms_{{ i }}.q)
                    * ln(gamma_values_{{ i }}.gamma + customer_groups.m_x * customer_groups.x)
                )
            ) as log_likelihood
        from customer_groups
        inner join pq_terms_{{ i }}
            on customer_groups.x = pq_terms_{{ i }}.x
        cross join gamma_values_{{ i }}
        group by pq_terms_{{ i }}.p, pq_terms_{{ i }}.q, gamma_values_{{ i }}.gamma
    ),

    ranked_{{ i }} as (
        select
            p,
            q,
            gamma,
            log_likelihood,
            row_number() over (order by log_likelihood desc, p asc, q asc, gamma asc) as likelihood_rank
        from likelihoods_{{ i }}
        where log_likelihood is not null
    ),

    best_{{ i }} as (
        select
            ranked_{{ i }}.p,
            ranked_{{ i }}.q,
            ranked_{{ i }}.gamma,
            ranked_{{ i }}.log_likelihood,
            {%- if round.next_step is defined %}
                {{ dbt.cast(round.next_step, cdp_type_double()) }} as step
            {%- else %}
                best_{{ i - 1 }}.step * case
                    when
                        ranked_{{ i }}.p = best_{{ i - 1 }}.p
                        and ranked_{{ i }}.q = best_{{ i - 1 }}.q
                        and ranked_{{ i }}.gamma = best_{{ i - 1 }}.gamma
                        then 0.5
                    else 1.0
                end as step
            {%- endif %}
        from ranked_{{ i }}
        cross join best_{{ i - 1 }}
        where ranked_{{ i }}.likelihood_rank = 1
    ),
{%- endfor %}

fitted as (
    select
        'gamma_gamma' as model,
        {{ dbt.cast('best_' ~ rounds | length ~ '.p', cdp_type_double()) }} as p,
        {{ dbt.cast('best_' ~ rounds | length ~ '.q', cdp_type_double()) }} as q,
        {{ dbt.cast('best_' ~ rounds | length ~ '.gamma', cdp_type_double()) }} as gamma,
        {{ dbt.cast('best_' ~ rounds | length ~ '.log_likelihood', cdp_type_double()) }} as log_likelihood,
        (select sum(customer_groups.customer_count) from customer_groups) as customer_count,
        {{ rounds | length }} as grid_rounds,
        best_{{ rounds | length }}.step as final_step
    from best_{{ rounds | length }}
)

select * from fitted
