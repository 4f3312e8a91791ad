{#-
    Grid refinement (a pattern search on log-spaced grids): round 1 puts 5^4 = 625 points spaced
    by a factor exp(1.5) around r = 0.5, alpha = 20 days, a = 0.6, b = 2 (a deliberately not 1,
    where BG/NBD's expectation is singular), spanning a factor 20 either way. Each later round puts
    a 3^4 = 81 point grid (diagonals included, so it can follow a ridge) around the best point so
    far; its log-step starts at 0.6, halves whenever the centre stays best and shrinks by 0.8
    otherwise (so a search drifting towards a boundary, a -> 0 say, still refines the others).
-#}
{%- set rounds = [{'half': 2, 'next_step': 0.6}] -%}
{%- for _ in range(12) -%}
    {%- do rounds.append({'half': 1}) -%}
{%- endfor -%}
{#
    One row (model = 'bgnbd'): maximum-likelihood BG/NBD parameters (Fader, Hardie & Lee 2005,
    "Counting Your Customers the Easy Way") in days, by a grid search refined in rounds, in
    portable SQL. The log-likelihood of a customer with x repeat days, recency t_x and age T:
      lgamma(r + x) - lgamma(r) + r ln(alpha) + lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x)
      + ln( (alpha + T)^-(r + x) + [x > 0] a / (b + x - 1) (alpha + t_x)^-(r + x) )
    summed over customers grouped by distinct (x, t_x, T). The lgamma terms depend on one or two
    parameters and x only: each round evaluates lgamma once per distinct argument and joins it in.
#}

with

customers as (
    select * from {{ ref('int_traits__customer_transactions') }}
),

customer_groups as (
    select
        clv_frequency as x,
        clv_recency_days as t_x,
        clv_age_days as age,
        count(*) as customer_count
    from customers
    group by clv_frequency, clv_recency_days, clv_age_days
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
        0.5 as r,
        20.0 as alpha,
        0.6 as a,
        2.0 as b,
        {{ dbt.cast('1.5', cdp_type_double()) }} as step
),

{%- for round in rounds %}
    {%- set i = loop.index %}

    r_values_{{ i }} as (
        select best_{{ i - 1 }}.r * exp(offsets.k * best_{{ i - 1 }}.step) as r
        from best_{{ i - 1 }}
        cross join offsets
        where offsets.k between -{{ round.half }} and {{ round.half }}
    ),

    alpha_values_{{ i }} as (
        select best_{{ i - 1 }}.alpha * exp(offsets.k * best_{{ i - 1 }}.step) as alpha
        from best_{{ i - 1 }}
        cross join offsets
        where offsets.k between -{{ round.half }} and {{ round.half }}
    ),

    a_values_{{ i }} as (
        select best_{{ i - 1 }}.a * exp(offsets.k * best_{{ i - 1 }}.step) as a
        from best_{{ i - 1 }}
        cross join offsets
        where offsets.k between -{{ round.half }} and {{ round.half }}
    ),

    b_values_{{ i }} as (
        select best_{{ i - 1 }}.b * exp(offsets.k * best_{{ i - 1 }}.step) as b
        from best_{{ i - 1 }}
        cross join offsets
        where offsets.k between -{{ round.half }} and {{ round.half }}
    ),

    lgamma_arguments_{{ i }} as (
        select r_values_{{ i }}.r as argument
        from r_values_{{ i }}
        union
        select r_values_{{ i }}.r + distinct_x.x as argument
        from r_values_{{ i }}
        cross join distinct_x
        union
        select b_values_{{ i }}.b as argument
        from b_values_{{ i }}
        union
        select b_values_{{ i }}.b + distinct_x.x as argument
        from b_values_{{ i }}
        cross join distinct_x
        union
        select a_values_{{ i }}.a + b_values_{{ i }}.b as argument
        from a_values_{{ i }}
        cross join b_values_{{ i }}
        union
        select a_values_{{ i }}.a + b_values_{{ i }}.b + distinct_x.x as argument
        from a_values_{{ i }}
        cross join b_values_{{ i }}
        cross join distinct_x
    ),

    lgammas_{{ i }} as (
        select
            argument,
            {{ cdp_lgamma('argument') }} as lgamma_value
        from lgamma_arguments_{{ i }}
    ),

    r_terms_{{ i }} as (
        select
            r_values_{{ i }}.r,
            distinct_x.x,
            lgamma_rx.lgamma_value - lgamma_r.lgamma_value as r_term
        from r_values_{{ i }}
        cross join distinct_x
        inner join lgammas_{{ i }} as lgamma_rx
            on r_values_{{ i }}.r + distinct_x.x = lgamma_rx.argument
        inner join lgammas_{{ i }} as lgamma_r
            on r_values_{{ i }}.r = lgamma_r.argument
    ),

    ab_terms_{{ i }} as (
        select
            a_values_{{ i }}.a,
            b_values_{{ i }}.b,
            distinct_x.x,
            lgamma_ab.lgamma_value + lgamma_bx.lgamma_value
            - lgamma_b.lgamma_value - lgamma_abx.lgamma_value as ab_term
        from a_values_{{ i }}
        cross join b_values_{{ i }}
        cross join distinct_x
        inner join lgammas_{{ i }} as lgamma_ab
            on a_values_{{ i }}.a + b_values_{{ i }}.b = lgamma_ab.argument
        inner join lgammas_{{ i }} as lgamma_bx
            on b_values_{{ i }}.b + distinct_x.x = lgamma_bx.argument
        inner join lgammas_{{ i }} as lgamma_b
            on b_values_{{ i }}.b = lgamma_b.argument
        inner join lgammas_{{ i }} as lgamma_abx
            on a_values_{{ i }}.a + b_values_{{ i }}.b + distinct_x.x = lgamma_abx.argument
    ),

    likelihoods_{{ i }} as (
        select
            r_terms_{{ i }}.r,
            alpha_values_{{ i }}.alpha,
            ab_terms_{{ i }}.a,
            ab_terms_{{ i }}.b,
            sum(
                customer_groups.customer_count * (
                    r_terms_{{ i }}.r_term
                    + r_terms_{{ i }}.r * ln(alpha_values_{{ i }}.alpha)
                    + ab_terms_{{ i }}.ab_term
                    + case
                        when customer_groups.x > 0
                            then {{ cdp_log_add_exp(
                            '-(r_terms_' ~ i ~ '.r + customer_groups.x) * ln(alpha_values_' ~ i ~ '.alpha + customer_groups.age)',
                            'ln(ab_terms_' ~ i ~ '.a) - ln(ab_terms_' ~ i ~ '.b + customer_groups.x - 1)'
                            ~ ' - (r_terms_' ~ i ~ '.r + customer_groups.x) * ln(alpha_values_' ~ i ~ '.alpha + customer_groups.t_x)'
                        ) }}
                        else -r_terms_{{ i }}.r * ln(alpha_values_{{ i }}.alpha + customer_groups.age)
                    end
                )
            ) as log_likelihood
        from customer_groups
        inner join r_terms_{{ i }}
            on customer_groups.x = r_terms_{{ i }}.x
        inner join ab_terms_{{ i }}
            on customer_groups.x = ab_terms_{{ i }}.x
        cross join alpha_values_{{ i }}
        group by r_terms_{{ i }}.r, alpha_values_{{ i }}.alpha, ab_terms_{{ i }}.a, ab_terms_{{ i }}.b
    ),

    ranked_{{ i }} as (
        select
            r,
            alpha,
            a,
            b,
            log_likelihood,
            row_number() over (order by log_likelihood desc, r asc, alpha asc, a asc, b asc) as likelihood_rank
        from likelihoods_{{ i }}
        where log_likelihood is not null
    ),

    best_{{ i }} as (
        select
            ranked_{{ i }}.r,
            ranked_{{ i }}.alpha,
            ranked_{{ i }}.a,
            ranked_{{ i }}.b,
            ranked_{{ i }}.log_likelihood,
            {%- if round.next_step is defined %}
                {{ dbt.cast(round.next_step, cdp_type_double()) }} as step
            {%- else %}
                best_{{ i - 1 }}.step * case
                    when
                        ranked_{{ i }}.r = best_{{ i - 1 }}.r
                        and ranked_{{ i }}.alpha = best_{{ i - 1 }}.alpha
                        and ranked_{{ i }}.a = best_{{ i - 1 }}.a
                        and ranked_{{ i }}.b = best_{{ i - 1 }}.b
                        then 0.5
                    else 0.8
                end as step
            {%- endif %}
        from ranked_{{ i }}
        cross join best_{{ i - 1 }}
        where ranked_{{ i }}.likelihood_rank = 1
    ),
{%- endfor %}

fitted as (
    select
        'bgnbd' as model,
        {{ dbt.cast('best_' ~ rounds | length ~ '.r', cdp_type_double()) }} as r,
        {{ dbt.cast('best_' ~ rounds | length ~ '.alpha', cdp_type_double()) }} as alpha,
        {{ dbt.cast('best_' ~ rounds | length ~ '.a', cdp_type_double()) }} as a,
        {{ dbt.cast('best_' ~ rounds | length ~ '.b', cdp_type_double()) }} as b,
        {{ dbt.cast('best_' ~ rounds | length ~ '.log_likelihood', cdp_type_double()) }} as log_likelihood,
        (select sum(customer_groups.customer_count) from customer_groups) as customer_count,
        {{ rounds | length }} as grid_rounds,
        best_{{ rounds | length }}.step as final_step
    from best_{{ rounds | length }}
)

select * from fitted
