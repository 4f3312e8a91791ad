{#
    Connected components of every priority level of the components that break a limit (see
    int_identity__level_links). Compact form: one row per level node whose level component key
    is not its own key.
#}
{{ config(materialized='identity_components') }}

select
    node_a,
    node_b
from {{ ref('int_identity__level_links') }}
