{#
    One row per pair of identifier groups linked by at least one message (group = alias group, or
    the identifier alone): the candidate links of the identity graph, before the rules decide.
    Each message links its top identifier (highest priority, then smallest key) to each other
    identifier on it: a star, which connects the message's identifiers with the fewest links.
    The pair is unordered (group_key_a < group_key_b); first_* describe the earliest message.
#}

with

occurrences as (
    select * from {{ ref('int_identity__identifier_occurrences') }}
    where blocked_rule is null and can_merge
),

alias_groups as (
    select * from {{ ref('int_identity__alias_groups') }}
),

grouped as (
    select
        occurrences.event_id,
        occurrences.event_at,
        occurrences.identifier_type,
        occurrences.identifier_value,
        occurrences.priority,
        occurrences.node_key,
        coalesce(alias_groups.component_key, occurrences.node_key) as group_key
    from occurrences
    left join alias_groups
        on occurrences.node_key = alias_groups.node_key
),

ranked_on_message as (
    select
        grouped.*,
        row_number() over (
            partition by grouped.event_id
            order by grouped.priority, grouped.node_key
        ) as position_on_message
    from grouped
),

message_links as (
    select
        top_identifier.event_id,
        top_identifier.event_at,
        top_identifier.identifier_type as top_identifier_type,
        top_identifier.identifier_value as top_identifier_value,
        other_identifier.identifier_type as other_identifier_type,
        other_identifier.identifier_value as other_identifier_value,
        case
            when top_identifier.group_key < other_identifier.group_key then top_identifier.group_key
            else other_identifier.group_key
        end as group_key_a,
        case
            when top_identifier.group_key < other_identifier.group_key then other_identifier.group_key
            else top_identifier.group_key
        end as group_key_b
    from ranked_on_message as top_identifier
    inner join ranked_on_message as other_identifier
        on
            top_identifier.event_id = other_identifier.event_id
            and other_identifier.position_on_message > 1
    where
        top_identifier.position_on_message = 1
        and top_identifier.group_key <> other_identifier.group_key
),

ranked_links as (
    select
        message_links.*,
        row_number() over (
            partition by message_links.group_key_a, message_links.group_key_b
            order by message_links.event_at, message_links.event_id
        ) as link_sighting_number,
        count(*) over (partition by message_links.group_key_a, message_links.group_key_b) as message_count
    from message_links
)

select
    group_key_a,
    group_key_b,
    event_id as first_event_id,
    event_at as first_linked_at,
    top_identifier_type as first_from_identifier_type,
    top_identifier_value as first_from_identifier_value,
    other_identifier_type as first_to_identifier_type,
    other_identifier_value as first_to_identifier_value,
    message_count
from ranked_links
where link_sighting_number = 1
