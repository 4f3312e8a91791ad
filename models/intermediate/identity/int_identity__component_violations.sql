{#
    One row per candidate component, identifier type and limit window where the component holds
    more values than the rule allows (values joined by an alias call count once). Components
    without a row here become profiles as they are.
#}

with

identifier_groups as (
    select * from {{ ref('int_identity__identifier_groups') }}
),

counted as (
    select
        identifier_groups.component_key,
        identifier_groups.identifier_type,
        identifier_groups.limit_window_start,
        min(identifier_groups.limit_window) as limit_window,
        min(identifier_groups.max_values) as max_values,
        count(distinct identifier_groups.group_key) as value_count
    from identifier_groups
    group by
        identifier_groups.component_key,
        identifier_groups.identifier_type,
        identifier_groups.limit_window_start
)

select
    component_key,
    identifier_type,
    limit_window_start,
    limit_window,
    max_values,
    value_count,
    'limit ' || identifier_type || ' (max ' || cast(max_values as {{ dbt.type_string() }}) || ' '
    || limit_window || ')' as rule_description
from counted
where value_count > max_values
