{#
    For scripts/benchmark_identity.py: run the models' connected-components loop on an edge table
    (columns node_a, node_b) and log its pass counts and seconds as one 'CDP_BENCHMARK {json}' line.
#}
{% macro cdp_identity_benchmark_components(schema, edges_table, max_passes=64) -%}
    {%- set edges = api.Relation.create(database=target.database, schema=schema, identifier=edges_table, type='table') -%}
    {%- set output = api.Relation.create(
        database=target.database, schema=schema, identifier=edges_table ~ '_components', type='table') -%}
    {%- set summary = cdp_identity_connected_components(edges, output, max_passes | int) -%}
    {%- do adapter.commit() -%}
    {%- do log('CDP_BENCHMARK ' ~ tojson(summary), info=true) -%}
{%- endmacro %}


{# For scripts/benchmark_identity.py: the same run-operation doing nothing, to subtract dbt's own CPU time. #}
{% macro cdp_identity_benchmark_noop() -%}
    {%- do run_query('select 1') -%}
    {%- do log('CDP_BENCHMARK {}', info=true) -%}
{%- endmacro %}
