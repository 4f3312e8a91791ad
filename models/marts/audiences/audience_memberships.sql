{#
    One row per audience and profile that has ever been a member: whether it is a member now, when
    its current (or last) spell started and ended, and when it first entered. Built from the change
    history (audience_membership_changes) and the current members; ids retired by identity merges
    are mapped to their surviving profile, so a merged customer has one row per audience.
#}

with

members as (
    select * from {{ ref('int_audiences__members') }}
),

changes as (
    select * from {{ ref('audience_membership_changes') }}
),

profile_id_map as (
    select * from {{ ref('profile_id_map') }}
),

changes_mapped as (
    select
        changes.audience_key,
        coalesce(profile_id_map.profile_id, changes.profile_id) as profile_id,
        changes.change_type,
        changes.changed_at
    from changes
    left join profile_id_map
        on changes.profile_id = profile_id_map.old_profile_id
),

spells as (
    select
        changes_mapped.audience_key,
        changes_mapped.profile_id,
        min(case when changes_mapped.change_type = 'entered' then changes_mapped.changed_at end)
            as first_entered_at,
        max(case when changes_mapped.change_type = 'entered' then changes_mapped.changed_at end)
            as last_entered_at,
        max(case when changes_mapped.change_type = 'exited' then changes_mapped.changed_at end)
            as last_exited_at
    from changes_mapped
    group by changes_mapped.audience_key, changes_mapped.profile_id
),

pairs as (
    select
        spells.audience_key,
        spells.profile_id
    from spells
    union
    select
        members.audience_key,
        members.profile_id
    from members
),

final as (
    select
        cast({{ dbt.concat(['pairs.audience_key', "'|'", 'pairs.profile_id']) }} as {{ dbt.type_string() }})
            as membership_id,
        cast(pairs.audience_key as {{ dbt.type_string() }}) as audience_key,
        cast(pairs.profile_id as {{ dbt.type_string() }}) as profile_id,
        members.profile_id is not null as is_member,
        coalesce(spells.last_entered_at, {{ cdp_as_of() }}) as entered_at,
        case when members.profile_id is null then spells.last_exited_at end as exited_at,
        coalesce(spells.first_entered_at, {{ cdp_as_of() }}) as first_entered_at,
        {{ cdp_as_of() }} as evaluated_at
    from pairs
    left join spells
        on
            pairs.audience_key = spells.audience_key
            and pairs.profile_id = spells.profile_id
    left join members
        on
            pairs.audience_key = members.audience_key
            and pairs.profile_id = members.profile_id
)

select * from final
