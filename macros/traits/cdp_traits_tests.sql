{#
    Generic test (use with severity: warn): the currencies of int_traits__orders_converted rows
    that could not be converted to the reporting currency (no rate in seeds/competitor_fx_rates.csv),
    one row per currency with its order count, so a build on data in an unknown currency says so.
#}
{% test cdp_traits_orders_have_fx_rate(model) -%}
    select
        currency,
        count(*) as orders_without_fx_rate
    from {{ model }}
    where not has_fx_rate
    group by currency
{%- endtest %}
