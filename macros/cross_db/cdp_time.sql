{# Segment's clock-skew correction: received_at - (sent_at - original_timestamp), to the millisecond. #}
{% macro cdp_skew_corrected_timestamp(received_at, sent_at, original_timestamp) -%}
    {{ return(adapter.dispatch('cdp_skew_corrected_timestamp', 'cdp')(received_at, sent_at, original_timestamp)) }}
{%- endmacro %}

{% macro default__cdp_skew_corrected_timestamp(received_at, sent_at, original_timestamp) -%}
    {{ dbt.dateadd('millisecond', '-1 * ' ~ dbt.datediff(original_timestamp, sent_at, 'millisecond'), received_at) }}
{%- endmacro %}

{% macro duckdb__cdp_skew_corrected_timestamp(received_at, sent_at, original_timestamp) -%}
    ({{ received_at }} - ({{ sent_at }} - {{ original_timestamp }}))
{%- endmacro %}

{% macro spark__cdp_skew_corrected_timestamp(received_at, sent_at, original_timestamp) -%}
    timestamp_millis(unix_millis({{ received_at }}) - (unix_millis({{ sent_at }}) - unix_millis({{ original_timestamp }})))
{%- endmacro %}


{# The build's current time as a UTC timestamp without time zone. #}
{% macro cdp_current_timestamp_utc() -%}
    {{ return(adapter.dispatch('cdp_current_timestamp_utc', 'cdp')()) }}
{%- endmacro %}

{% macro default__cdp_current_timestamp_utc() -%}
    cast({{ dbt.current_timestamp() }} as timestamp)
{%- endmacro %}

{% macro duckdb__cdp_current_timestamp_utc() -%}
    cast(now() at time zone 'UTC' as timestamp)
{%- endmacro %}
