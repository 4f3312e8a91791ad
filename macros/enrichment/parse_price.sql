{# Scraped price text in any common locale to a decimal amount, its currency, and whether it parsed. #}

{#
    Locale heuristics, in order:
    - everything but digits, '.' and ',' is dropped (currency signs, codes, spaces and no-break
      spaces used as thousands separators: "1 299,00" -> "1299,00");
    - the last '.' or ',' followed by exactly 1 or 2 digits at the end is the decimal separator
      ("1.299,00", "$1,600.00", ",89" = 0.89); otherwise every separator groups thousands
      ("₹1,299" = 1299, "1.299" = 1299);
    - what is left before the decimal part must be plain digits or groups of 2-3 digits, which
      admits Indian lakh grouping ("₹1,29,999" = 129999) and rejects junk like "1,2,3";
    - a hyphen before the first digit makes the amount negative (quarantined downstream).
    Text without a digit, or with an impossible grouping, gives NULL.
#}
{% macro cdp_price_digits(expr) -%}
    {{ cdp_regexp_replace_all('coalesce(' ~ expr ~ ", '')", '[^0-9.,]', '') }}
{%- endmacro %}

{% macro cdp_price_decimal_tail(expr) -%}
    coalesce({{ cdp_regexp_extract(cdp_price_digits(expr), '[.,][0-9]{1,2}$') }}, '')
{%- endmacro %}

{% macro cdp_price_integer_part(expr) -%}
    substr({{ cdp_price_digits(expr) }}, 1, length({{ cdp_price_digits(expr) }}) - length({{ cdp_price_decimal_tail(expr) }}))
{%- endmacro %}

{# True when the text holds a price the heuristics can read. #}
{% macro cdp_price_is_parseable(expr) -%}
    coalesce(
        {{ cdp_regexp_matches(cdp_price_digits(expr), '[0-9]') }}
        and {{ cdp_regexp_matches(cdp_price_integer_part(expr), '^([0-9]*|[0-9]{1,3}([.,][0-9]{2,3})+)$') }},
        false
    )
{%- endmacro %}

{# The amount as decimal(18, 4); NULL when the text is not a readable price. #}
{% macro cdp_parse_price_amount(expr) -%}
    case
        when {{ cdp_price_is_parseable(expr) }}
            then
                cast(
                    concat(
                        case when {{ cdp_regexp_matches('coalesce(' ~ expr ~ ", '')", '^[^0-9]*-') }} then '-' else '' end,
                        coalesce(nullif(replace(replace({{ cdp_price_integer_part(expr) }}, ',', ''), '.', ''), ''), '0'),
                        '.',
                        coalesce(nullif(substr({{ cdp_price_decimal_tail(expr) }}, 2), ''), '0')
                    ) as decimal(18, 4)
                )
    end
{%- endmacro %}

{#
    ISO currency named by a symbol or code in the text, else `fallback` (an expression, e.g. the
    row's currency column). Prefixed dollars (CA$, A$) are read before the plain dollar sign.
#}
{% macro cdp_parse_price_currency(expr, fallback='null') -%}
    case
        when upper({{ expr }}) like '%INR%' or {{ expr }} like '%₹%' or upper({{ expr }}) like 'RS%' then 'INR'
        when upper({{ expr }}) like '%EUR%' or {{ expr }} like '%€%' then 'EUR'
        when upper({{ expr }}) like '%GBP%' or {{ expr }} like '%£%' then 'GBP'
        when upper({{ expr }}) like '%VND%' or {{ expr }} like '%₫%' then 'VND'
        when upper({{ expr }}) like '%CAD%' or upper({{ expr }}) like '%CA$%' then 'CAD'
        when upper({{ expr }}) like '%AUD%' or upper({{ expr }}) like '%A$%' then 'AUD'
        when upper({{ expr }}) like '%USD%' or {{ expr }} like '%$%' then 'USD'
        when upper({{ expr }}) like '%JPY%' or {{ expr }} like '%¥%' then 'JPY'
        else upper(nullif(trim({{ fallback }}), ''))
    end
{%- endmacro %}
