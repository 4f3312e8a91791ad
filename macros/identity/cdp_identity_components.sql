{#
    Connected components of an edge list by min-label hooking with pointer jumping and edge
    contraction, run as a loop of plain SQL statements (log-depth: passes grow with log of the
    graph size, not with the length of the longest chain).

    Each round: every node hooks to its smallest neighbour when that is smaller than itself
    (roots are local minima); pointer jumping makes every hooked node point at its root; edges are
    contracted onto roots and deduplicated. Pointer jumping runs only over the hooked nodes that
    are themselves parents (a leaf is never looked up), typically a third of the hooks; one join
    then points every hooked node at its root. Rounds repeat until no edge is left. Each round's
    hooks form a forest over the previous round's roots, so the final labels are composed from
    the last round back to the first.

    edges_relation: relation with columns node_a, node_b (same comparable type: bigint hashes are
    fastest; random-looking keys keep the round count low, sequential ids do not).
    target_relation: written as one row per node whose component key is not its own key
    (node_key, component_key). A node absent from it is the key of its own component. The
    component key is the smallest node key of the component.

    Raises a compiler error (fails the build) when a round or jump count reaches max_passes.
    Returns a dict: rounds, jumps, passes (SQL statements over the graph), seconds.
#}
{% macro cdp_identity_connected_components(edges_relation, target_relation, max_passes=64) -%}
    {%- set started = modules.datetime.datetime.now() -%}
    {%- set prefix = target_relation.identifier ~ '__cc_' -%}
    {%- set scratch = [] -%}
    {%- set round_hooks = [] -%}
    {%- set state = {'edges': edges_relation, 'rounds': 0, 'jumps': 0, 'passes': 0, 'done': false} -%}

    {%- for round_number in range(1, max_passes + 1) -%}
        {%- if not state.done -%}
            {#- hook: only nodes with a smaller neighbour get a row (roots are implicit) -#}
            {%- set hooks = cdp_identity_scratch_relation(target_relation, prefix ~ 'hooks_' ~ round_number ~ '_0') -%}
            {%- do scratch.append(hooks) -%}
            {%- do cdp_identity_create_table(hooks, cdp_identity_cc_hook_sql(state.edges), scratch=true) -%}
            {%- set inner = cdp_identity_scratch_relation(target_relation, prefix ~ 'inner_' ~ round_number ~ '_0') -%}
            {%- do scratch.append(inner) -%}
            {%- do cdp_identity_create_table(inner, cdp_identity_cc_inner_sql(hooks), scratch=true) -%}
            {%- do state.update({'passes': state.passes + 2}) -%}

            {#- pointer jumping until every inner node points at a root -#}
            {%- set jump_state = {'hooks': inner, 'done': false} -%}
            {%- for jump_number in range(1, max_passes + 1) -%}
                {%- if not jump_state.done -%}
                    {%- set jumped = cdp_identity_scratch_relation(
                        target_relation, prefix ~ 'inner_' ~ round_number ~ '_' ~ jump_number) -%}
                    {%- do scratch.append(jumped) -%}
                    {%- do cdp_identity_create_table(jumped, cdp_identity_cc_jump_sql(jump_state.hooks), scratch=true) -%}
                    {%- set moved = run_query('select count(*) from ' ~ jumped ~ ' where moved = 1').columns[0].values()[0] -%}
                    {%- do adapter.drop_relation(jump_state.hooks) -%}
                    {%- do jump_state.update({'hooks': jumped}) -%}
                    {%- do state.update({'jumps': state.jumps + 1, 'passes': state.passes + 1}) -%}
                    {%- if moved == 0 -%}
                        {%- do jump_state.update({'done': true}) -%}
                    {%- elif jump_number == max_passes -%}
                        {%- do _cdp_identity_cleanup(scratch) -%}
                        {{ exceptions.raise_compiler_error(
                            'Connected components for ' ~ target_relation ~ ': pointer jumping did not converge in '
                            ~ max_passes ~ ' jumps (round ' ~ round_number ~ '). Raise var cdp__identity_max_passes'
                            ~ ' or look for a cycle in the hook table.') }}
                    {%- endif -%}
                {%- endif -%}
            {%- endfor -%}
            {#- every hooked node to its root: leaves look their parent up among the settled inner nodes -#}
            {%- set rooted = cdp_identity_scratch_relation(target_relation, prefix ~ 'rooted_' ~ round_number) -%}
            {%- do scratch.append(rooted) -%}
            {%- do cdp_identity_create_table(rooted, cdp_identity_cc_root_sql(hooks, jump_state.hooks), scratch=true) -%}
            {%- do adapter.drop_relation(hooks) -%}
            {%- do adapter.drop_relation(jump_state.hooks) -%}
            {%- do round_hooks.append(rooted) -%}
            {%- do state.update({'passes': state.passes + 1}) -%}

            {#- contract edges onto roots; self-loops and duplicates disappear -#}
            {%- set next_edges = cdp_identity_scratch_relation(target_relation, prefix ~ 'edges_' ~ round_number) -%}
            {%- do scratch.append(next_edges) -%}
            {%- do cdp_identity_create_table(
                next_edges, cdp_identity_cc_contract_sql(state.edges, rooted), scratch=true) -%}
            {%- if state.edges != edges_relation -%}
                {%- do adapter.drop_relation(state.edges) -%}
            {%- endif -%}
            {%- set remaining = run_query('select count(*) from ' ~ next_edges).columns[0].values()[0] -%}
            {%- do state.update({'edges': next_edges, 'rounds': round_number, 'passes': state.passes + 1}) -%}
            {%- if remaining == 0 -%}
                {%- do state.update({'done': true}) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if not state.done -%}
        {%- do _cdp_identity_cleanup(scratch) -%}
        {{ exceptions.raise_compiler_error(
            'Connected components for ' ~ target_relation ~ ' did not converge in ' ~ max_passes
            ~ ' rounds: edges are left unstitched. Raise var cdp__identity_max_passes (now ' ~ max_passes
            ~ ') or check that node keys are hashed, not sequential.') }}
    {%- endif -%}

    {#- compose the per-round forests, from the last round back to the first -#}
    {%- set composed = {'relation': round_hooks[-1], 'is_hooks': true} -%}
    {%- for round_index in range(round_hooks | length - 2, -1, -1) -%}
        {%- set composing = cdp_identity_scratch_relation(target_relation, prefix ~ 'composed_' ~ round_index) -%}
        {%- do scratch.append(composing) -%}
        {%- do cdp_identity_create_table(composing, cdp_identity_cc_compose_sql(
            round_hooks[round_index], composed.relation, composed.is_hooks), scratch=true) -%}
        {%- do composed.update({'relation': composing, 'is_hooks': false}) -%}
        {%- do state.update({'passes': state.passes + 1}) -%}
    {%- endfor -%}
    {%- if composed.is_hooks -%}
        {%- set final_sql = 'select node as node_key, parent as component_key from ' ~ composed.relation -%}
    {%- else -%}
        {%- set final_sql = 'select node_key, component_key from ' ~ composed.relation -%}
    {%- endif -%}
    {%- do cdp_identity_create_table(target_relation, final_sql, scratch=false) -%}
    {%- do _cdp_identity_cleanup(scratch) -%}

    {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}
    {%- set summary = {'rounds': state.rounds, 'jumps': state.jumps, 'passes': state.passes, 'seconds': seconds} -%}
    {%- do log('cdp_identity_connected_components ' ~ target_relation ~ ' ' ~ tojson(summary), info=true) -%}
    {{ return(summary) }}
{%- endmacro %}


{#
    One hook per node: its smallest neighbour, when smaller than itself. Only the larger end of an
    edge can hook to the smaller, so one pass over the edges (no union of both directions) does.
#}
{% macro cdp_identity_cc_hook_sql(edges) -%}
    select
        case when node_a < node_b then node_b else node_a end as node,
        min(case when node_a < node_b then node_a else node_b end) as parent
    from {{ edges }}
    where node_a <> node_b
    group by case when node_a < node_b then node_b else node_a end
{%- endmacro %}


{# The hooked nodes that are parents of others: the only ones pointer jumping has to look up. #}
{% macro cdp_identity_cc_inner_sql(hooks) -%}
    select
        hooks.node,
        hooks.parent
    from {{ hooks }} as hooks
    where hooks.node in (select parents.parent from {{ hooks }} as parents)
{%- endmacro %}


{# Every hooked node pointed at its root, through the inner nodes once they all point at roots. #}
{% macro cdp_identity_cc_root_sql(hooks, inner) -%}
    select
        hooks.node,
        coalesce(inner_nodes.parent, hooks.parent) as parent
    from {{ hooks }} as hooks
    left join {{ inner }} as inner_nodes
        on hooks.parent = inner_nodes.node
{%- endmacro %}


{# One pointer jump: a node whose parent is itself hooked moves to its grandparent. #}
{% macro cdp_identity_cc_jump_sql(hooks) -%}
    select
        child.node,
        coalesce(grandparent.parent, child.parent) as parent,
        case when grandparent.node is null then 0 else 1 end as moved
    from {{ hooks }} as child
    left join {{ hooks }} as grandparent
        on child.parent = grandparent.node
{%- endmacro %}


{# Edges rewritten onto the roots of their endpoints (smaller key first), without self-loops or duplicates. #}
{% macro cdp_identity_cc_contract_sql(edges, hooks) -%}
    select distinct
        case when rewritten.root_a < rewritten.root_b then rewritten.root_a else rewritten.root_b end as node_a,
        case when rewritten.root_a < rewritten.root_b then rewritten.root_b else rewritten.root_a end as node_b
    from (
        select
            coalesce(hook_a.parent, edges.node_a) as root_a,
            coalesce(hook_b.parent, edges.node_b) as root_b
        from {{ edges }} as edges
        left join {{ hooks }} as hook_a
            on edges.node_a = hook_a.node
        left join {{ hooks }} as hook_b
            on edges.node_b = hook_b.node
    ) as rewritten
    where rewritten.root_a <> rewritten.root_b
{%- endmacro %}


{# Earlier round's hooks followed through the later rounds' (already composed) labels. #}
{% macro cdp_identity_cc_compose_sql(hooks, composed, composed_is_hooks=false) -%}
    {%- set key = 'node' if composed_is_hooks else 'node_key' -%}
    {%- set label = 'parent' if composed_is_hooks else 'component_key' -%}
    select
        hooks.node as node_key,
        coalesce(composed.{{ label }}, hooks.parent) as component_key
    from {{ hooks }} as hooks
    left join {{ composed }} as composed
        on hooks.parent = composed.{{ key }}
    union all
    select
        composed.{{ key }} as node_key,
        composed.{{ label }} as component_key
    from {{ composed }} as composed
{%- endmacro %}


{#
    A scratch table for the loop. DuckDB: a temporary table (in memory, spilling to disk only when
    needed; much faster than writing persistent tables). Elsewhere: a table next to the target.
#}
{% macro cdp_identity_scratch_relation(target_relation, identifier) -%}
    {{ return(adapter.dispatch('cdp_identity_scratch_relation', 'cdp')(target_relation, identifier)) }}
{%- endmacro %}

{% macro default__cdp_identity_scratch_relation(target_relation, identifier) -%}
    {{ return(api.Relation.create(
        database=target_relation.database, schema=target_relation.schema,
        identifier=identifier, type='table')) }}
{%- endmacro %}

{% macro duckdb__cdp_identity_scratch_relation(target_relation, identifier) -%}
    {{ return(api.Relation.create(database='temp', schema='main', identifier=identifier, type='table')) }}
{%- endmacro %}


{# (Re)create a table from a select; scratch tables are temporary where the engine makes that cheap. #}
{% macro cdp_identity_create_table(relation, select_sql, scratch=false) -%}
    {{ return(adapter.dispatch('cdp_identity_create_table', 'cdp')(relation, select_sql, scratch)) }}
{%- endmacro %}

{% macro default__cdp_identity_create_table(relation, select_sql, scratch=false) -%}
    {%- do adapter.drop_relation(relation) -%}
    {%- do run_query(get_create_table_as_sql(False, relation, select_sql)) -%}
{%- endmacro %}

{% macro duckdb__cdp_identity_create_table(relation, select_sql, scratch=false) -%}
    {%- if scratch -%}
        {%- do run_query('create or replace temporary table ' ~ relation.identifier ~ ' as ' ~ select_sql) -%}
    {%- else -%}
        {%- do adapter.drop_relation(relation) -%}
        {%- do run_query(get_create_table_as_sql(False, relation, select_sql)) -%}
    {%- endif -%}
{%- endmacro %}


{% macro _cdp_identity_cleanup(relations) -%}
    {%- for relation in relations -%}
        {%- do adapter.drop_relation(relation) -%}
    {%- endfor -%}
{%- endmacro %}


{#
    Materialization: the model's SQL selects an edge list (node_a, node_b); the table built is
    its connected components in the compact form above (node_key, component_key; one row per
    node that is not its component's key). Config max_passes defaults to var cdp__identity_max_passes.
#}
{% materialization identity_components, default %}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set max_passes = config.get('max_passes', var('cdp__identity_max_passes', 64)) | int -%}
    {%- set edges_relation = cdp_identity_scratch_relation(target_relation, target_relation.identifier ~ '__cc_input') -%}
    {%- set building_relation = api.Relation.create(database=target_relation.database, schema=target_relation.schema,
        identifier=target_relation.identifier ~ '__cc_output', type='table') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- do cdp_identity_create_table(edges_relation, sql, scratch=true) -%}
    {%- set summary = cdp_identity_connected_components(edges_relation, building_relation, max_passes) -%}
    {%- do adapter.drop_relation(edges_relation) -%}
    {%- if existing_relation is not none -%}
        {%- do adapter.drop_relation(existing_relation) -%}
    {%- endif -%}

    {% call statement('main') -%}
        {{ get_create_table_as_sql(False, target_relation, 'select node_key, component_key from ' ~ building_relation) }}
    {%- endcall %}
    {%- do adapter.drop_relation(building_relation) -%}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
