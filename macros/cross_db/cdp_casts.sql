{# ISO-8601 text (any offset, or none = UTC) to a UTC timestamp without time zone; NULL when unparseable. #}
{% macro cdp_parse_timestamp(expr) -%}
    {{ return(adapter.dispatch('cdp_parse_timestamp', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__cdp_parse_timestamp(expr) -%}
    cast(cast({{ expr }} as timestamp with time zone) at time zone 'UTC' as timestamp)
{%- endmacro %}

{# timestamptz honours the offset; at time zone 'UTC' turns the instant into UTC wall time. #}
{% macro duckdb__cdp_parse_timestamp(expr) -%}
    cast(try_cast(nullif(trim({{ expr }}), '') as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}

{# Spark parses offsets and converts to the session time zone, which cdp_session_setup sets to UTC. #}
{% macro spark__cdp_parse_timestamp(expr) -%}
    cast(nullif(trim({{ expr }}), '') as timestamp)
{%- endmacro %}


{# Numeric text (or a JSON number's digits) to decimal(18, 4); NULL when it is not a number. #}
{% macro cdp_to_decimal(expr) -%}
    {{ return(adapter.dispatch('cdp_to_decimal', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__cdp_to_decimal(expr) -%}
    {{ dbt.safe_cast(dbt.safe_cast('nullif(trim(' ~ expr ~ "), '')", 'double precision'), 'decimal(18, 4)') }}
{%- endmacro %}

{% macro duckdb__cdp_to_decimal(expr) -%}
    try_cast(try_cast(nullif(trim({{ expr }}), '') as double) as decimal(18, 4))
{%- endmacro %}

{% macro spark__cdp_to_decimal(expr) -%}
    cast(cast(nullif(trim({{ expr }}), '') as double) as decimal(18, 4))
{%- endmacro %}


{# Text to integer; NULL when it is not a whole number. #}
{% macro cdp_to_integer(expr) -%}
    {{ return(adapter.dispatch('cdp_to_integer', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__cdp_to_integer(expr) -%}
    {{ dbt.safe_cast(dbt.safe_cast('nullif(trim(' ~ expr ~ "), '')", 'double precision'), 'bigint') }}
{%- endmacro %}

{% macro duckdb__cdp_to_integer(expr) -%}
    try_cast(try_cast(nullif(trim({{ expr }}), '') as double) as bigint)
{%- endmacro %}

{% macro spark__cdp_to_integer(expr) -%}
    cast(cast(nullif(trim({{ expr }}), '') as double) as bigint)
{%- endmacro %}


{# Every match of a regular expression replaced (engines differ on the 'g' flag). #}
{% macro cdp_regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('cdp_regexp_replace_all', 'cdp')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__cdp_regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__cdp_regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}
