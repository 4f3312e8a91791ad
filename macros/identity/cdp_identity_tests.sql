{# Generic test: the combination of columns is unique (a small stand-in for dbt_utils.unique_combination_of_columns). #}
{% test cdp_identity_unique_combination(model, columns) -%}
    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{%- endtest %}
