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
    Phone to E.164 ('+', a non-zero digit, 8 to 15 digits in all), else NULL. Portable SQL.
      '+44 20 7946 0958' -> +442079460958 (explicit country code)
      '0044 20 7946 0958' -> +442079460958 (00 international prefix; 011 too in the US and Canada)
      '(415) 555-2671', '415.555.2671' -> +14155552671 (national number, country US)
      '1-415-555-2671' -> +14155552671 (national trunk prefix of the country)
      '07700 900123' in GB -> +447700900123 (trunk 0 dropped)
      '0044 (0)20 7946 0958' -> +442079460958 (bracketed trunk 0 dropped)
    Extensions ('x123', 'ext. 123') are dropped. A national number is read with the plan of the
    row's country: country_expr, a SQL expression giving an ISO-2 code (cdp_country_iso2), NULL
    meaning var cdp__identity_default_phone_country; without country_expr every row takes that var.
    A number that does not fit the plan (wrong length, a trunk prefix with the wrong length, a
    country without a plan in cdp_identity_phone_countries) gives NULL, as does '+0...': the result
    is always valid E.164 or NULL.
#}
{% macro cdp_identity_normalize_phone(expr, country_expr=none) -%}
    {{ cdp_identity_phone_e164(cdp_identity_phone_dialable(expr), country_expr) }}
{%- endmacro %}


{#
    The phone as dialled: its digits, with a leading '+' when it was written with one; extensions and a
    bracketed trunk (0) dropped ('+44 (0)20 7946 0958 ext. 12' -> '+442079460958'). A model can keep it
    in a column and call cdp_identity_phone_e164 on that: the compiled SQL stays small.
#}
{% macro cdp_identity_phone_dialable(expr) -%}
    {%- set trimmed = cdp_identity_trim(expr) -%}
    {%- set without_extension = cdp_regexp_replace_all('lower(' ~ trimmed ~ ')', '(x|ext)[^0-9]*[0-9]+$', '') -%}
    {#- '+44 (0)20 ...': the bracketed trunk 0 is not dialled from abroad -#}
    {%- set without_trunk = cdp_regexp_replace_all(without_extension, '[(]0[)]', '') -%}
    case when {{ trimmed }} like '+%' then '+' else '' end
    || {{ cdp_regexp_replace_all(without_trunk, '[^0-9]', '') }}
{%- endmacro %}


{# A dialled phone (cdp_identity_phone_dialable) to E.164 or NULL, read with the row's country (see above). #}
{% macro cdp_identity_phone_e164(dialable_expr, country_expr=none) -%}
    {%- set default_country = var('cdp__identity_default_phone_country', 'US') | upper -%}
    {%- set countries = cdp_identity_phone_countries() -%}
    {%- if default_country not in countries -%}
        {{ exceptions.raise_compiler_error(
            "var cdp__identity_default_phone_country = '" ~ default_country ~ "' is not known; use one of "
            ~ (countries.keys() | list | sort | join(', '))
            ~ ' or add it to cdp_identity_phone_countries in macros/identity/cdp_identity_sql.sql') }}
    {%- endif -%}
    {%- set plan = cdp_identity_phone_plan_sql(country_expr, default_country) -%}
    {%- set dialled = '(' ~ dialable_expr ~ ')' -%}
    {%- set e164_digits -%}
        case
            when {{ dialled }} like '+%' then substr({{ dialled }}, 2)
            when {{ dialled }} like '00%' then substr({{ dialled }}, 3)
            {%- if plan.idd_011 == 'true' %}
            when {{ dialled }} like '011%' then substr({{ dialled }}, 4)
            {%- elif plan.idd_011 != 'false' %}
            when {{ plan.idd_011 }} and {{ dialled }} like '011%' then substr({{ dialled }}, 4)
            {%- endif %}
            {%- if plan.trunk != "''" %}
            when {% if not plan.constant %}{{ plan.trunk }} <> '' and {% endif %}{{ dialled }} like {{ plan.trunk }} || '%'
                then
                    case
                        when length({{ dialled }}) - length({{ plan.trunk }})
                            between {{ plan.min_length }} and {{ plan.national_length }}
                            then {{ plan.code }} || substr({{ dialled }}, length({{ plan.trunk }}) + 1)
                    end
            {%- endif %}
            when length({{ dialled }}) between {{ plan.min_length }} and {{ plan.national_length }}
                then {{ plan.code }} || {{ dialled }}
            when length({{ dialled }}) > {{ plan.national_length }} then {{ dialled }}
        end
    {%- endset -%}
    {#- E.164 or '' (so NULL): the digits appear once in the compiled SQL -#}
    '+' || nullif({{ cdp_regexp_replace_all(e164_digits, '^([1-9][0-9]{7,14})$|^.*$', '\\1') }}, '')
{%- endmacro %}


{#
    The dialling plan as SQL snippets: code, trunk (text), national_length, min_length (integers) and
    idd_011 (boolean: 011 is the international prefix). Literals for the default country when
    country_expr is none; else one CASE per field over the countries of cdp_identity_phone_countries
    (a country without a plan gives NULL fields, so a national number gives NULL).
#}
{% macro cdp_identity_phone_plan_sql(country_expr, default_country) -%}
    {%- set countries = cdp_identity_phone_countries() -%}
    {%- if country_expr is none -%}
        {%- set spec = countries[default_country] -%}
        {{ return({
            'code': "'" ~ spec.code ~ "'",
            'trunk': "'" ~ spec.trunk ~ "'",
            'national_length': spec.national_length | string,
            'min_length': spec.get('min_length', spec.national_length - 2) | string,
            'idd_011': 'true' if spec.get('international_prefix') == '011' else 'false',
            'constant': true,
        }) }}
    {%- endif -%}
    {%- set country = 'coalesce(' ~ country_expr ~ ", '" ~ default_country ~ "')" -%}
    {%- set fields = {'code': [], 'trunk': [], 'national_length': [], 'min_length': []} -%}
    {%- set idd_011 = [] -%}
    {%- for iso2, spec in countries.items() -%}
        {%- do fields.code.append("when '" ~ iso2 ~ "' then '" ~ spec.code ~ "'") -%}
        {%- do fields.trunk.append("when '" ~ iso2 ~ "' then '" ~ spec.trunk ~ "'") -%}
        {%- do fields.national_length.append("when '" ~ iso2 ~ "' then " ~ spec.national_length) -%}
        {%- do fields.min_length.append(
            "when '" ~ iso2 ~ "' then " ~ spec.get('min_length', spec.national_length - 2)) -%}
        {%- if spec.get('international_prefix') == '011' -%}
            {%- do idd_011.append("'" ~ iso2 ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({
        'code': '(case ' ~ country ~ ' ' ~ fields.code | join(' ') ~ ' end)',
        'trunk': '(case ' ~ country ~ ' ' ~ fields.trunk | join(' ') ~ ' end)',
        'national_length': '(case ' ~ country ~ ' ' ~ fields.national_length | join(' ') ~ ' end)',
        'min_length': '(case ' ~ country ~ ' ' ~ fields.min_length | join(' ') ~ ' end)',
        'idd_011': '(' ~ country ~ ' in (' ~ idd_011 | join(', ') ~ '))',
        'constant': false,
    }) }}
{%- endmacro %}


{#
    Calling code, national trunk prefix, national number length (the longest), the shortest accepted
    (default: length - 2) and an international prefix other than 00. Keep in step with
    cdp/export/normalize.py (PHONE_COUNTRIES).
#}
{% macro cdp_identity_phone_countries() -%}
    {{ return({
        'US': {'code': '1', 'trunk': '1', 'national_length': 10, 'min_length': 10, 'international_prefix': '011'},
        'CA': {'code': '1', 'trunk': '1', 'national_length': 10, 'min_length': 10, 'international_prefix': '011'},
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


{#
    The country of the person a message is about, as ISO-2, or NULL: the first known of
    traits.address.country, traits.country, context.traits.country (names and ISO-3 codes mapped by
    cdp_country_iso2), then the region of context.locale ('en-GB' -> GB). Phones are read with it.
#}
{% macro cdp_identity_message_country(traits_expr, context_expr, locale_expr) -%}
    coalesce(
        {{ cdp_country_iso2(cdp_json_extract_string(traits_expr, '$.address.country')) }},
        {{ cdp_country_iso2(cdp_json_extract_string(traits_expr, '$.country')) }},
        {{ cdp_country_iso2(cdp_json_extract_string(context_expr, '$.traits.country')) }},
        {{ cdp_identity_locale_country(locale_expr) }}
    )
{%- endmacro %}


{# Region of a locale tag as ISO-2: 'en-GB', 'en_gb', 'zh-Hant-TW' -> GB, GB, TW; 'de', 'es-419' -> NULL. #}
{% macro cdp_identity_locale_country(expr) -%}
    {%- set pattern = '^[A-Za-z]{2,3}([-_][A-Za-z]{4})?[-_]([A-Za-z]{2})([-_.@].*)?$' -%}
    case
        when {{ cdp_identity_regex_matches('trim(' ~ expr ~ ')', "'" ~ pattern ~ "'") }}
            then upper({{ cdp_regexp_replace_all('trim(' ~ expr ~ ')', pattern, '\\2') }})
    end
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
