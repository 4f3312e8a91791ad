{# Engine-specific expressions the identity models need, each behind adapter.dispatch with a portable default. #}

{# ---------------------------------------------------------------------------------------------- #}
{#
    Graph key for a list of expressions: a random-looking 64-bit integer where the engine has a
    fast hash (random keys keep connected-component rounds few), else the values joined as text.
    Collisions are negligible (~n^2 / 2^64: about 1e-6 for 5 million identifiers).
#}
{% macro cdp_identity_node_key(exprs) -%}
    {{ return(adapter.dispatch('cdp_identity_node_key', 'cdp')(exprs)) }}
{%- endmacro %}

{% macro default__cdp_identity_node_key(exprs) -%}
    {%- set parts = [] -%}
    {%- for expr in exprs -%}
        {%- do parts.append('coalesce(cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    ({{ parts | join(" || '|' || ") }})
{%- endmacro %}

{% macro duckdb__cdp_identity_node_key(exprs) -%}
    cast(hash({{ exprs | join(', ') }}) >> 1 as bigint)
{%- endmacro %}

{% macro spark__cdp_identity_node_key(exprs) -%}
    xxhash64({{ exprs | join(', ') }})
{%- endmacro %}


{# ---------------------------------------------------------------------------------------------- #}
{# True when the text matches the regular expression anywhere (anchor with ^ and $ for a full match). #}
{% macro cdp_identity_regex_matches(expr, pattern_expr) -%}
    {{ return(adapter.dispatch('cdp_identity_regex_matches', 'cdp')(expr, pattern_expr)) }}
{%- endmacro %}

{% macro default__cdp_identity_regex_matches(expr, pattern_expr) -%}
    regexp_like({{ expr }}, {{ pattern_expr }})
{%- endmacro %}

{% macro duckdb__cdp_identity_regex_matches(expr, pattern_expr) -%}
    regexp_matches({{ expr }}, {{ pattern_expr }})
{%- endmacro %}

{% macro spark__cdp_identity_regex_matches(expr, pattern_expr) -%}
    ({{ expr }} rlike {{ pattern_expr }})
{%- endmacro %}


{# ---------------------------------------------------------------------------------------------- #}
{# Whitespace of any kind (spaces, tabs, newlines) removed at both ends; trim() takes spaces only. #}
{% macro cdp_identity_trim(expr) -%}
    {{ return(adapter.dispatch('cdp_identity_trim', 'cdp')(expr)) }}
{%- endmacro %}

{# POSIX class: DuckDB (RE2), PostgreSQL, Snowflake. #}
{% macro default__cdp_identity_trim(expr) -%}
    {{ cdp_regexp_replace_all(expr, '^[[:space:]]+|[[:space:]]+$', '') }}
{%- endmacro %}

{# Java regex has no POSIX classes; the backslash is doubled inside Spark SQL string literals. #}
{% macro spark__cdp_identity_trim(expr) -%}
    regexp_replace({{ expr }}, '^\\s+|\\s+$', '')
{%- endmacro %}


{# Email as matched: trimmed and lower-cased; empty becomes NULL. #}
{% macro cdp_identity_normalize_email(expr) -%}
    nullif(lower({{ cdp_identity_trim(expr) }}), '')
{%- endmacro %}


{#
    Phone to E.164 ('+' and 8 to 15 digits), else NULL. Portable: only replace, substring, length.
      '+44 20 7946 0958' -> +442079460958 (explicit country code)
      '0044 20 7946 0958' -> +442079460958 (00 international prefix)
      '(415) 555-2671', '415.555.2671' -> +14155552671 (national number, default country US)
      '1-415-555-2671' -> +14155552671 (national trunk prefix of the default country)
      '020 7946 0958' with default country GB -> +442079460958 (trunk 0 dropped)
      '0044 (0)20 7946 0958' -> +442079460958 (bracketed trunk 0 dropped)
    Extensions ('x123', 'ext. 123') are dropped. The default country comes from var
    cdp__identity_default_phone_country (ISO-2; see cdp_identity_phone_countries for those known).
#}
{% macro cdp_identity_normalize_phone(expr, country=none) -%}
    {%- set country = (country or var('cdp__identity_default_phone_country', 'US')) | upper -%}
    {%- set countries = cdp_identity_phone_countries() -%}
    {%- if country not in countries -%}
        {{ exceptions.raise_compiler_error(
            "var cdp__identity_default_phone_country = '" ~ country ~ "' is not known; use one of "
            ~ (countries.keys() | list | sort | join(', '))
            ~ ' or add it to cdp_identity_phone_countries in macros/identity/cdp_identity_sql.sql') }}
    {%- endif -%}
    {%- set spec = countries[country] -%}
    {%- set trimmed = cdp_identity_trim(expr) -%}
    {%- set without_extension = cdp_regexp_replace_all('lower(' ~ trimmed ~ ')', '(x|ext)[^0-9]*[0-9]+$', '') -%}
    {#- '+44 (0)20 ...': the bracketed trunk 0 is not dialled from abroad -#}
    {%- set without_trunk = cdp_regexp_replace_all(without_extension, '[(]0[)]', '') -%}
    {%- set digits = cdp_regexp_replace_all(without_trunk, '[^0-9]', '') -%}
    {%- set e164_digits -%}
        case
            when {{ trimmed }} like '+%' then {{ digits }}
            when {{ digits }} like '00%' then substr({{ digits }}, 3)
            {%- if spec.trunk %}
            when {{ digits }} like '{{ spec.trunk }}%'
                and length({{ digits }}) = {{ spec.national_length + spec.trunk | length }}
                then '{{ spec.code }}' || substr({{ digits }}, {{ spec.trunk | length + 1 }})
            {%- endif %}
            when length({{ digits }}) between {{ spec.get('min_length', spec.national_length - 2) }} and {{ spec.national_length }}
                then '{{ spec.code }}' || {{ digits }}
            when length({{ digits }}) > {{ spec.national_length }} then {{ digits }}
        end
    {%- endset -%}
    case when length({{ e164_digits }}) between 8 and 15 then '+' || {{ e164_digits }} end
{%- endmacro %}


{# Calling code, national trunk prefix, national number length and the shortest accepted (default: length - 2). #}
{% macro cdp_identity_phone_countries() -%}
    {{ return({
        'US': {'code': '1', 'trunk': '1', 'national_length': 10, 'min_length': 10},
        'CA': {'code': '1', 'trunk': '1', 'national_length': 10, 'min_length': 10},
        'GB': {'code': '44', 'trunk': '0', 'national_length': 10},
        'IE': {'code': '353', 'trunk': '0', 'national_length': 9},
        'DE': {'code': '49', 'trunk': '0', 'national_length': 11},
        'FR': {'code': '33', 'trunk': '0', 'national_length': 9},
        'NL': {'code': '31', 'trunk': '0', 'national_length': 9},
        'BE': {'code': '32', 'trunk': '0', 'national_length': 9},
        'ES': {'code': '34', 'trunk': '', 'national_length': 9},
        'PT': {'code': '351', 'trunk': '', 'national_length': 9},
        'IT': {'code': '39', 'trunk': '', 'national_length': 10},
        'BR': {'code': '55', 'trunk': '0', 'national_length': 11},
        'MX': {'code': '52', 'trunk': '', 'national_length': 10},
        'IN': {'code': '91', 'trunk': '0', 'national_length': 10},
        'AU': {'code': '61', 'trunk': '0', 'national_length': 9},
        'JP': {'code': '81', 'trunk': '0', 'national_length': 10},
    }) }}
{%- endmacro %}


{# ---------------------------------------------------------------------------------------------- #}
{# Start of the limit window a timestamp falls in: ever | daily | weekly | monthly | annually. #}
{% macro cdp_identity_window_start(window_expr, timestamp_expr) -%}
    case {{ window_expr }}
        when 'daily' then {{ dbt.date_trunc('day', timestamp_expr) }}
        when 'weekly' then {{ dbt.date_trunc('week', timestamp_expr) }}
        when 'monthly' then {{ dbt.date_trunc('month', timestamp_expr) }}
        when 'annually' then {{ dbt.date_trunc('year', timestamp_expr) }}
        else cast('1970-01-01 00:00:00' as timestamp)
    end
{%- endmacro %}
