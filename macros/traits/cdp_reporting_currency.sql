{#
    The two CTEs every conversion to var cdp__reporting_currency joins (seeds/competitor_fx_rates.csv,
    units per USD): fx_rates, one row per currency with a usable rate, and reporting_rate, the rate of
    the reporting currency (no row when the seed lacks it). Written at the top level of a with list.
#}
{% macro cdp_reporting_fx_rates() -%}
fx_rates as (
    select
        upper(trim(currency)) as currency,
        {{ dbt.cast('units_per_usd', cdp_type_double()) }} as units_per_usd
    from {{ ref('competitor_fx_rates') }}
    where units_per_usd > 0
),

reporting_rate as (
    select units_per_usd
    from fx_rates
    where currency = upper('{{ var("cdp__reporting_currency") }}')
)
{%- endmacro %}

{#
    `amount` (in `currency`) in the reporting currency, as a double: as it is when already in the
    reporting currency (no rate needed), else through USD with the rate row joined as `rates` and
    reporting_rate; NULL when either rate is missing, so it is never summed as if converted.
#}
{% macro cdp_in_reporting_currency(amount, currency, rates) -%}
    case
        when upper(trim({{ currency }})) = upper('{{ var("cdp__reporting_currency") }}')
            then {{ dbt.cast(amount, cdp_type_double()) }}
        else {{ dbt.cast(amount ~ ' / ' ~ rates ~ '.units_per_usd * reporting_rate.units_per_usd', cdp_type_double()) }}
    end
{%- endmacro %}
