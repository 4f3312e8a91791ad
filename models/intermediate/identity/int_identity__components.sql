{#
    Connected components of the candidate links between identifier groups, before limits are
    applied. Compact form: one row per group whose component key is not its own group key.
#}
{{ config(materialized='identity_components') }}

select
    group_key_a as node_a,
    group_key_b as node_b
from {{ ref('int_identity__links') }}
