{#
    Connected components of alias links (previousId -> userId): identifiers an alias call declared to
    be one person. Compact form: one row per identifier whose alias group key is not its own node key.
    Log-depth loop (macros/identity/cdp_identity_components.sql): a 100-hop alias chain is one group.
#}
{{ config(materialized='identity_components') }}

with

occurrences as (
    select * from {{ ref('int_identity__identifier_occurrences') }}
    where blocked_rule is null and can_merge
),

previous_ids as (
    select
        occurrences.event_id,
        occurrences.node_key
    from occurrences
    where occurrences.identifier_role = 'alias_previous_id'
),

new_user_ids as (
    select
        occurrences.event_id,
        occurrences.node_key
    from occurrences
    where occurrences.identifier_role = 'alias_user_id'
),

alias_links as (
    select distinct
        previous_ids.node_key as node_a,
        new_user_ids.node_key as node_b
    from previous_ids
    inner join new_user_ids
        on previous_ids.event_id = new_user_ids.event_id
    where previous_ids.node_key <> new_user_ids.node_key
)

select * from alias_links
