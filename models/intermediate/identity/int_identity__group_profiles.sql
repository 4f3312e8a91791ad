{#
    One row per identifier group (an identifier, or the identifiers an alias call joined): the
    profile it belongs to after the rules. docs/identity.md states the rule; in short:
      1. A candidate component within every limit is one profile.
      2. In a component that breaks a limit, each group settles in its piece at the lowest-priority
         level that is still within every limit (level p = the component's graph restricted to the
         groups of priority p or better). Lower-priority identifiers are thus the ones that yield.
      3. A group with no such level (a hub: the kiosk device, the browser two people shared) joins
         the profile of its earliest link to a settled group, if that keeps the profile within its
         limit for the group's types; else it stays a profile of its own. A second round attaches
         groups linked only to groups attached in the first round.
#}

with

identifier_groups as (
    select * from {{ ref('int_identity__identifier_groups') }}
),

violations as (
    select * from {{ ref('int_identity__component_violations') }}
),

level_components as (
    select * from {{ ref('int_identity__level_components') }}
),

links as (
    select * from {{ ref('int_identity__links') }}
),

rules as (
    select * from {{ ref('identity_rules') }}
    where can_merge
),

identifier_group_list as (
    select distinct
        identifier_groups.group_key,
        identifier_groups.group_priority,
        identifier_groups.group_first_seen_at,
        identifier_groups.component_key
    from identifier_groups
),

broken_rule_list as (
    select distinct
        violations.component_key,
        violations.rule_description
    from violations
),

broken_components as (
    select
        broken_rule_list.component_key,
        {{ dbt.listagg('broken_rule_list.rule_description', "', '", 'order by broken_rule_list.rule_description') }}
            as broken_rules
    from broken_rule_list
    group by broken_rule_list.component_key
),

level_memberships as (
    select
        identifier_group_list.group_key,
        identifier_group_list.component_key,
        rules.priority as level_priority,
        coalesce(
            level_components.component_key,
            {{ cdp_identity_node_key(['identifier_group_list.group_key', 'rules.priority']) }}
        ) as level_component_key
    from identifier_group_list
    inner join broken_components
        on identifier_group_list.component_key = broken_components.component_key
    inner join rules
        on identifier_group_list.group_priority <= rules.priority
    left join level_components
        on
            {{ cdp_identity_node_key(['identifier_group_list.group_key', 'rules.priority']) }}
            = level_components.node_key
),

over_limit_level_cells as (
    select
        level_memberships.level_priority,
        level_memberships.level_component_key,
        identifier_groups.identifier_type
    from level_memberships
    inner join identifier_groups
        on level_memberships.group_key = identifier_groups.group_key
    group by
        level_memberships.level_priority,
        level_memberships.level_component_key,
        identifier_groups.identifier_type,
        identifier_groups.limit_window_start
    having count(distinct level_memberships.group_key) > min(identifier_groups.max_values)
),

broken_level_components as (
    select distinct
        over_limit_level_cells.level_priority,
        over_limit_level_cells.level_component_key
    from over_limit_level_cells
),

valid_memberships as (
    select
        level_memberships.*,
        row_number() over (
            partition by level_memberships.group_key
            order by level_memberships.level_priority desc
        ) as level_rank
    from level_memberships
    left join broken_level_components
        on
            level_memberships.level_priority = broken_level_components.level_priority
            and level_memberships.level_component_key = broken_level_components.level_component_key
    where broken_level_components.level_component_key is null
),

settled as (
    select
        valid_memberships.group_key,
        valid_memberships.level_component_key as profile_key,
        valid_memberships.level_priority as settled_level
    from valid_memberships
    where valid_memberships.level_rank = 1
),

unsettled as (
    select
        identifier_group_list.group_key,
        identifier_group_list.group_first_seen_at
    from identifier_group_list
    inner join broken_components
        on identifier_group_list.component_key = broken_components.component_key
    left join settled
        on identifier_group_list.group_key = settled.group_key
    where settled.group_key is null
),

{# Links of unsettled groups, seen from the unsettled side. #}
unsettled_links as (
    select
        unsettled.group_key,
        case when links.group_key_a = unsettled.group_key then links.group_key_b else links.group_key_a end
            as other_group_key,
        links.first_linked_at,
        links.first_event_id
    from unsettled
    inner join links
        on unsettled.group_key in (links.group_key_a, links.group_key_b)
),

first_round_choices as (
    select
        unsettled_links.group_key,
        settled.profile_key,
        row_number() over (
            partition by unsettled_links.group_key
            order by unsettled_links.first_linked_at, unsettled_links.first_event_id, settled.profile_key
        ) as choice_rank
    from unsettled_links
    inner join settled
        on unsettled_links.other_group_key = settled.group_key
),

settled_counts as (
    select
        settled.profile_key,
        identifier_groups.identifier_type,
        identifier_groups.limit_window_start,
        count(distinct settled.group_key) as value_count
    from settled
    inner join identifier_groups
        on settled.group_key = identifier_groups.group_key
    group by settled.profile_key, identifier_groups.identifier_type, identifier_groups.limit_window_start
),

first_round_positions as (
    select
        first_round_choices.group_key,
        first_round_choices.profile_key,
        identifier_groups.max_values,
        coalesce(settled_counts.value_count, 0) + dense_rank() over (
            partition by
                first_round_choices.profile_key, identifier_groups.identifier_type, identifier_groups.limit_window_start
            order by identifier_groups.group_first_seen_at, first_round_choices.group_key
        ) as value_position
    from first_round_choices
    inner join identifier_groups
        on first_round_choices.group_key = identifier_groups.group_key
    left join settled_counts
        on
            first_round_choices.profile_key = settled_counts.profile_key
            and identifier_groups.identifier_type = settled_counts.identifier_type
            and identifier_groups.limit_window_start = settled_counts.limit_window_start
    where first_round_choices.choice_rank = 1
),

first_round_attached as (
    select
        first_round_positions.group_key,
        min(first_round_positions.profile_key) as profile_key,
        max(case when first_round_positions.value_position > first_round_positions.max_values then 1 else 0 end)
            as is_refused
    from first_round_positions
    group by first_round_positions.group_key
),

second_round_attached as (
    select
        unsettled_links.group_key,
        first_round_attached.profile_key,
        row_number() over (
            partition by unsettled_links.group_key
            order by unsettled_links.first_linked_at, unsettled_links.first_event_id, first_round_attached.profile_key
        ) as choice_rank
    from unsettled_links
    inner join first_round_attached
        on
            unsettled_links.other_group_key = first_round_attached.group_key
            and first_round_attached.is_refused = 0
    left join first_round_attached as already_chosen
        on unsettled_links.group_key = already_chosen.group_key
    where already_chosen.group_key is null
),

resolved as (
    select
        identifier_group_list.group_key,
        identifier_group_list.component_key,
        identifier_group_list.group_priority,
        case
            when broken_components.component_key is null then identifier_group_list.component_key
            when settled.group_key is not null then settled.profile_key
            when first_round_attached.is_refused = 0 then first_round_attached.profile_key
            when second_round_attached.group_key is not null then second_round_attached.profile_key
            else identifier_group_list.group_key
        end as profile_key,
        case
            when broken_components.component_key is null then 'component'
            when settled.group_key is not null then 'settled'
            when first_round_attached.is_refused = 0 then 'attached'
            when second_round_attached.group_key is not null then 'attached'
            when first_round_attached.is_refused = 1 then 'refused'
            else 'alone'
        end as resolution,
        settled.settled_level,
        broken_components.broken_rules
    from identifier_group_list
    left join broken_components
        on identifier_group_list.component_key = broken_components.component_key
    left join settled
        on identifier_group_list.group_key = settled.group_key
    left join first_round_attached
        on identifier_group_list.group_key = first_round_attached.group_key
    left join second_round_attached
        on
            identifier_group_list.group_key = second_round_attached.group_key
            and second_round_attached.choice_rank = 1
)

select * from resolved
