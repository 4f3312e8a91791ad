{# Regular-expression tests and extraction; engines name these functions differently. #}

{# True when `expr` contains a match of `pattern` (anchors allowed). #}
{% macro cdp_regexp_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('cdp_regexp_matches', 'cdp')(expr, pattern)) }}
{%- endmacro %}

{# SQL:2023 / Oracle / MySQL / Snowflake spelling. #}
{% macro default__cdp_regexp_matches(expr, pattern) -%}
    regexp_like({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__cdp_regexp_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__cdp_regexp_matches(expr, pattern) -%}
    ({{ expr }} rlike '{{ pattern }}')
{%- endmacro %}


{# The first match of `pattern` in `expr` (the whole match); NULL or '' when none, by engine. #}
{% macro cdp_regexp_extract(expr, pattern) -%}
    {{ return(adapter.dispatch('cdp_regexp_extract', 'cdp')(expr, pattern)) }}
{%- endmacro %}

{% macro default__cdp_regexp_extract(expr, pattern) -%}
    regexp_substr({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__cdp_regexp_extract(expr, pattern) -%}
    regexp_extract({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__cdp_regexp_extract(expr, pattern) -%}
    regexp_extract({{ expr }}, '{{ pattern }}', 0)
{%- endmacro %}
