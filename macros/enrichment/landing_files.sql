{# Whether any landed file matches a glob below cdp__landing_dir, so optional sources can be skipped cleanly. #}

{% macro cdp_landing_files_exist(relative_glob) -%}
    {{ return(adapter.dispatch('cdp_landing_files_exist', 'cdp')(relative_glob)) }}
{%- endmacro %}

{# Engines reading external tables declared by the user: the table is there, empty or not. #}
{% macro default__cdp_landing_files_exist(relative_glob) -%}
    {{ return(true) }}
{%- endmacro %}

{#
    DuckDB reads the files in place and fails on a glob that matches nothing; glob() lists the
    matches without failing. At parse time (execute = false) the answer is true, so the
    source() dependency is always recorded.
#}
{% macro duckdb__cdp_landing_files_exist(relative_glob) -%}
    {% if not execute %}{{ return(true) }}{% endif %}
    {% set pattern = var('cdp__landing_dir') ~ '/' ~ relative_glob %}
    {% set result = run_query("select count(*) from glob('" ~ pattern | replace("'", "''") ~ "')") %}
    {{ return(result.columns[0].values()[0] > 0) }}
{%- endmacro %}

{# An empty relation with these text columns: what an optional source reads as when nothing landed. #}
{% macro cdp_empty_text_relation(columns) -%}
    select
        {%- for column in columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    where 1 = 0
{%- endmacro %}

{#
    A landed file's path below the landing folder (`competitors/amazon_in/price_observations.csv`),
    so that ids and source_file do not change when the landing folder moves or another engine
    reports paths as URIs (file:///...).
#}
{% macro cdp_landing_relative_path(filename_expr, top_folder) -%}
    substr({{ filename_expr }}, position('/{{ top_folder }}/' in {{ filename_expr }}) + 1)
{%- endmacro %}
