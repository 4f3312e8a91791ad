{#
    One row per retired profile id: a profile that a later build merged into another. Follow
    old_profile_id -> profile_id to find where an id seen downstream (an export, a CRM) now lives.
#}

with

profile_ids as (
    select * from {{ ref('int_identity__profile_ids') }}
)

select
    profile_id as old_profile_id,
    surviving_profile_id as profile_id,
    retired_at,
    first_issued_at as old_profile_id_issued_at,
    seed_identifier_type,
    seed_identifier_value
from profile_ids
where not is_active
