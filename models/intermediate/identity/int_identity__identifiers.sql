{# One row per usable identifier (type, value): not blocked, with its rule and first and last sighting. #}

with

occurrences as (
    select * from {{ ref('int_identity__identifier_occurrences') }}
    where blocked_rule is null
),

rules as (
    select * from {{ ref('identity_rules') }}
),

ranked as (
    select
        occurrences.*,
        row_number() over (
            partition by occurrences.identifier_type, occurrences.identifier_value
            order by occurrences.event_at, occurrences.event_id
        ) as sighting_number
    from occurrences
),

identifiers as (
    select
        ranked.node_key,
        ranked.identifier_type,
        ranked.identifier_value,
        min(rules.priority) as priority,
        min(rules.max_values) as max_values,
        min(rules.limit_window) as limit_window,
        min(case when rules.can_merge then 1 else 0 end) = 1 as can_merge,
        min(ranked.event_at) as first_seen_at,
        max(ranked.event_at) as last_seen_at,
        count(*) as event_count,
        min(case when ranked.sighting_number = 1 then ranked.identifier_source end) as first_source,
        min(case when ranked.sighting_number = 1 then ranked.event_id end) as first_event_id
    from ranked
    inner join rules
        on ranked.identifier_type = rules.identifier_type
    group by ranked.node_key, ranked.identifier_type, ranked.identifier_value
)

select
    *,
    {{ cdp_identity_window_start('limit_window', 'first_seen_at') }} as limit_window_start
from identifiers
