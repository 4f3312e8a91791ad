{#
    One row per candidate link of a component that breaks a limit, repeated for each priority level
    at which both ends take part: level p keeps only the identifier groups whose priority is p or
    better. Levels are separate graphs (node keys hashed with the level) so that one
    connected-components run finds every level's pieces.
#}

with

identifier_groups as (
    select * from {{ ref('int_identity__identifier_groups') }}
),

violations as (
    select * from {{ ref('int_identity__component_violations') }}
),

links as (
    select * from {{ ref('int_identity__links') }}
),

rules as (
    select * from {{ ref('identity_rules') }}
    where can_merge
),

broken_components as (
    select distinct violations.component_key
    from violations
),

groups_in_broken_components as (
    select distinct
        identifier_groups.group_key,
        identifier_groups.group_priority,
        identifier_groups.component_key
    from identifier_groups
    inner join broken_components
        on identifier_groups.component_key = broken_components.component_key
),

broken_links as (
    select
        links.group_key_a,
        links.group_key_b,
        case
            when group_a.group_priority > group_b.group_priority then group_a.group_priority
            else group_b.group_priority
        end as link_priority
    from links
    inner join groups_in_broken_components as group_a
        on links.group_key_a = group_a.group_key
    inner join groups_in_broken_components as group_b
        on links.group_key_b = group_b.group_key
),

level_links as (
    select
        {{ cdp_identity_node_key(['broken_links.group_key_a', 'rules.priority']) }} as node_a,
        {{ cdp_identity_node_key(['broken_links.group_key_b', 'rules.priority']) }} as node_b
    from broken_links
    inner join rules
        on broken_links.link_priority <= rules.priority
)

select * from level_links
