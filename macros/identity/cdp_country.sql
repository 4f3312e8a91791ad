{#
    Country names and ISO-3 codes people send instead of ISO-2, keyed as compared: trimmed,
    upper-cased, dots removed ('U.S.A.' is USA). Used by identity (the country a phone is read
    with) and profile_contacts; the same table as cdp/export/normalize.py (COUNTRY_NAMES).
#}
{% macro cdp_country_names() -%}
    {{ return({
        'UNITED STATES': 'US', 'UNITED STATES OF AMERICA': 'US', 'USA': 'US', 'AMERICA': 'US',
        'UNITED KINGDOM': 'GB', 'UK': 'GB', 'GREAT BRITAIN': 'GB', 'GBR': 'GB', 'ENGLAND': 'GB',
        'SCOTLAND': 'GB', 'WALES': 'GB', 'NORTHERN IRELAND': 'GB',
        'CANADA': 'CA', 'CAN': 'CA',
        'GERMANY': 'DE', 'DEUTSCHLAND': 'DE', 'DEU': 'DE',
        'FRANCE': 'FR', 'FRA': 'FR',
        'SPAIN': 'ES', 'ESPAÑA': 'ES', 'ESPANA': 'ES', 'ESP': 'ES',
        'INDIA': 'IN', 'IND': 'IN',
        'ITALY': 'IT', 'ITALIA': 'IT', 'ITA': 'IT',
        'NETHERLANDS': 'NL', 'THE NETHERLANDS': 'NL', 'HOLLAND': 'NL', 'NLD': 'NL',
        'IRELAND': 'IE', 'IRL': 'IE',
        'BELGIUM': 'BE', 'BEL': 'BE',
        'PORTUGAL': 'PT', 'PRT': 'PT',
        'AUSTRALIA': 'AU', 'AUS': 'AU',
        'BRAZIL': 'BR', 'BRASIL': 'BR', 'BRA': 'BR',
        'MEXICO': 'MX', 'MÉXICO': 'MX', 'MEX': 'MX',
        'JAPAN': 'JP', 'JPN': 'JP',
        'VIETNAM': 'VN', 'VIET NAM': 'VN', 'VNM': 'VN',
    }) }}
{%- endmacro %}


{#
    A country as sent (name, ISO-3 or ISO-2 code, any case, dots allowed) to ISO-2 upper-case:
    'United Kingdom', 'UK', 'u.k.', 'GBR' -> GB; any other two letters pass ('de' -> DE); else NULL.
    One simple CASE: the expression appears twice in the compiled SQL, whatever the table's size.
#}
{% macro cdp_country_iso2(expr) -%}
    {%- set key = 'upper(replace(trim(' ~ expr ~ "), '.', ''))" -%}
    case {{ key }}
        {%- for name, iso2 in cdp_country_names().items() %}
        when '{{ name }}' then '{{ iso2 }}'
        {%- endfor %}
        else case when {{ cdp_identity_regex_matches(key, "'^[A-Z][A-Z]$'") }} then {{ key }} end
    end
{%- endmacro %}
