{# Identifier normalisation shared by the catalog and competitor listings, so both sides match alike. #}

{# GTIN / EAN / UPC as 14 digits (UPC-12 without its leading zero still matches EAN-13); NULL when no digits. #}
{% macro enrichment_normalise_gtin(expr) -%}
    case
        when length({{ cdp_regexp_replace_all(expr, '[^0-9]', '') }}) between 8 and 14
            then lpad({{ cdp_regexp_replace_all(expr, '[^0-9]', '') }}, 14, '0')
    end
{%- endmacro %}

{# SKU as upper-case letters and digits only ("ho-she-00146" = "HOSHE00146"); NULL when empty. #}
{% macro enrichment_normalise_sku(expr) -%}
    nullif(upper({{ cdp_regexp_replace_all('coalesce(' ~ expr ~ ", '')", '[^A-Za-z0-9]', '') }}), '')
{%- endmacro %}
