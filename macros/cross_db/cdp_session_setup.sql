{# Session settings every build needs: event times are computed and stored in UTC. #}
{% macro cdp_session_setup() -%}
    {{ return(adapter.dispatch('cdp_session_setup', 'cdp')()) }}
{%- endmacro %}

{% macro default__cdp_session_setup() -%}
    select 1
{%- endmacro %}

{% macro duckdb__cdp_session_setup() -%}
    set TimeZone = 'UTC'
{%- endmacro %}

{% macro spark__cdp_session_setup() -%}
    set spark.sql.session.timeZone = UTC
{%- endmacro %}
