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

{#
    Spark parses offsets and converts to the session time zone, which cdp_session_setup sets to UTC.
    Its cast also reads a bare year ('2024') or year-month ('2024-03') as the first instant of it,
    where other engines refuse; a full date is required first.
#}
{% macro spark__cdp_parse_timestamp(expr) -%}
    case
        when trim({{ expr }}) rlike '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}' then cast(trim({{ expr }}) as timestamp)
    end
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

{#
    Spark's double-to-bigint cast truncates (2.7 -> 2) and turns NaN, Infinity and out-of-range
    values into 0 or the bigint limits; DuckDB rounds half to even (2.7 -> 3, 2.5 -> 2) and gives
    NULL. bround is half-to-even; out of range (NaN compares above every number) is NULL.
#}
{% macro spark__cdp_to_integer(expr) -%}
    {%- set number = 'cast(nullif(trim(' ~ expr ~ "), '') as double)" -%}
    case when abs({{ number }}) < 9.223372036854775807E18 then cast(bround({{ number }}, 0) as bigint) end
{%- endmacro %}


{# Every match of a regular expression replaced (engines differ on the 'g' flag). #}
{% macro cdp_regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('cdp_regexp_replace_all', 'cdp')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__cdp_regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#
    Spark: patterns are Java regexes and a backslash in a Spark string literal is an escape
    character, so '\s' reached Spark as 's'. POSIX classes ([[:space:]]), which RE2 and
    PostgreSQL know and Java reads as a set of letters, become Java's \p{Space}; a \1 in the
    replacement becomes Java's $1 (a literal $ is escaped); then \ and ' are escaped for the literal.
#}
{% macro spark__cdp_regexp_replace_all(expr, pattern, replacement) -%}
    {%- set java = namespace(pattern=pattern) -%}
    {%- for posix, java_class in {'alnum': 'Alnum', 'alpha': 'Alpha', 'blank': 'Blank', 'cntrl': 'Cntrl',
            'digit': 'Digit', 'graph': 'Graph', 'lower': 'Lower', 'print': 'Print', 'punct': 'Punct',
            'space': 'Space', 'upper': 'Upper', 'xdigit': 'XDigit'}.items() -%}
        {%- set java.pattern = java.pattern | replace('[:' ~ posix ~ ':]', '\\p{' ~ java_class ~ '}') -%}
    {%- endfor -%}
    {%- set java_replacement = modules.re.sub('\\\\([0-9])', '$\\1', replacement | replace('$', '\\$')) -%}
    regexp_replace({{ expr }}, '{{ java.pattern | replace('\\', '\\\\') | replace("'", "\\'") }}', '{{ java_replacement | replace('\\', '\\\\') | replace("'", "\\'") }}')
{%- endmacro %}
