{#
    One row per mergeable identifier with its alias group and its candidate component (the
    connected component of all candidate links, before limits).
#}

with

identifiers as (
    select * from {{ ref('int_identity__identifiers') }}
    where can_merge
),

alias_groups as (
    select * from {{ ref('int_identity__alias_groups') }}
),

components as (
    select * from {{ ref('int_identity__components') }}
),

grouped as (
    select
        identifiers.*,
        coalesce(alias_groups.component_key, identifiers.node_key) as group_key
    from identifiers
    left join alias_groups
        on identifiers.node_key = alias_groups.node_key
),

with_components as (
    select
        grouped.*,
        coalesce(components.component_key, grouped.group_key) as component_key
    from grouped
    left join components
        on grouped.group_key = components.node_key
)

select
    *,
    min(priority) over (partition by group_key) as group_priority,
    min(first_seen_at) over (partition by group_key) as group_first_seen_at
from with_components
