{#
    ln(Gamma(z)) for z > 0 in portable SQL (ln, power, arithmetic only), accurate to about 1e-10:
    the argument is shifted up by the recurrence lgamma(z) = lgamma(z + 8) - ln(z (z + 1) ... (z + 7)),
    so w = z + 8 >= 8, then the Stirling series to the 1/w^7 term (truncation error below 1/(1188 w^9),
    about 6e-12 at w = 8). The product is taken in two halves of four factors so it cannot overflow
    a double before z ~ 1e77. NULL or non-positive z gives NULL (ln of a non-positive number).
    tests/traits/test_customer_traits_math.py checks it against Python's math.lgamma.
#}
{% macro cdp_lgamma(expr) -%}
    {%- set z = 'cast(' ~ expr ~ ' as ' ~ cdp_type_double() ~ ')' -%}
    {%- set w = '(' ~ z ~ ' + 8.0)' -%}
    case when {{ z }} > 0 then
        ({{ w }} - 0.5) * ln({{ w }}) - {{ w }} + 0.91893853320467274178
        + 1.0 / (12.0 * {{ w }})
        - 1.0 / (360.0 * power({{ w }}, 3))
        + 1.0 / (1260.0 * power({{ w }}, 5))
        - 1.0 / (1680.0 * power({{ w }}, 7))
        - ln({{ z }} * ({{ z }} + 1.0) * ({{ z }} + 2.0) * ({{ z }} + 3.0))
        - ln(({{ z }} + 4.0) * ({{ z }} + 5.0) * ({{ z }} + 6.0) * ({{ z }} + 7.0))
    end
{%- endmacro %}


{# ln(exp(x) + exp(y)) without overflow or underflow (both arguments finite). #}
{% macro cdp_log_add_exp(x, y) -%}
    (greatest({{ x }}, {{ y }}) + ln(1.0 + exp(least({{ x }}, {{ y }}) - greatest({{ x }}, {{ y }}))))
{%- endmacro %}


{# The engine's 8-byte floating point type name (dbt.type_float() is 4-byte FLOAT on DuckDB). #}
{% macro cdp_type_double() -%}
    {{ return(adapter.dispatch('cdp_type_double', 'cdp')()) }}
{%- endmacro %}

{% macro default__cdp_type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__cdp_type_double() -%}
    double
{%- endmacro %}

{% macro spark__cdp_type_double() -%}
    double
{%- endmacro %}

{% macro bigquery__cdp_type_double() -%}
    float64
{%- endmacro %}
