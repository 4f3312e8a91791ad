{#
    The moment traits, audiences and exports are computed for, as a SQL timestamp (UTC): the var
    cdp__as_of when set (tests, replays, a frozen sample world), else the time the dbt run started.
    Every sliding window ("in the last 90 days") and every "days since" counts back from it.
#}
{% macro cdp_as_of() -%}
    {%- set as_of = var('cdp__as_of', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#
    A sliding window as written in trait and audience YAML ('90 days', '4 weeks', '12 hours',
    '6 months', '1 year', '30 minutes') -> {'datepart': ..., 'amount': n, 'text': ...}; none when it
    is not one (the caller names the file and key). Weeks count as 7 days and years as 12 months.
#}
{% macro cdp_parse_window(window) -%}
    {%- set match = modules.re.match('^\\s*([0-9]+)\\s*(minute|hour|day|week|month|year)s?\\s*$', (window ~ '') | lower) -%}
    {%- if window is not string or not match or (match.group(1) | int) < 1 -%}{%- do return(none) -%}{%- endif -%}
    {%- set amount = match.group(1) | int -%}
    {%- set unit = match.group(2) -%}
    {%- if unit == 'week' -%}{%- set unit, amount = 'day', amount * 7 -%}{%- endif -%}
    {%- if unit == 'year' -%}{%- set unit, amount = 'month', amount * 12 -%}{%- endif -%}
    {%- do return({'datepart': unit, 'amount': amount, 'text': window | trim}) -%}
{%- endmacro %}

{#
    Boolean SQL: `column` is before the as-of time (strictly: an event stamped exactly at
    cdp_as_of() belongs to the next build). Every trait, computed trait and audience input uses it,
    so they all see the same events.
#}
{% macro cdp_before_as_of(column) -%}
    {{ column }} < {{ cdp_as_of() }}
{%- endmacro %}

{#
    Boolean SQL: `column` lies in the window of length `window` that ends at cdp_as_of(), half-open
    [as_of - window, as_of): '7 days' at as_of 2026-12-01 00:00 covers 2026-11-24 00:00:00 up to
    2026-11-30 23:59:59.999. The upper bound is cdp_before_as_of(), the same one every model uses.
#}
{% macro cdp_in_window(column, window) -%}
    ({{ column }} >= {{ dbt.dateadd(window['datepart'], -1 * window['amount'], cdp_as_of()) | trim }}
    and {{ cdp_before_as_of(column) }})
{%- endmacro %}
