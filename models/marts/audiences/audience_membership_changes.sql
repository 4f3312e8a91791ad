{#
    One row per audience membership change per build: a profile entered or exited an audience.
    Append-only: each build compares the current members (int_audiences__members) with the latest
    change of every (audience, profile) recorded so far in this table, so exports can send only
    what changed. On the first build every current member enters. Profile ids retired by identity
    merges are mapped forward (profile_id_map) before comparing, so a merge is not an exit.
#}

{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
) }}

with

members as (
    select * from {{ ref('int_audiences__members') }}
),

profile_id_map as (
    select * from {{ ref('profile_id_map') }}
),

-- what earlier builds recorded; nothing on the first (full) build, so every member enters
recorded_changes as (
    {%- if is_incremental() %}
        select
            audience_key,
            profile_id,
            change_type,
            changed_at,
            recorded_at
        from {{ this }}
    {%- else %}
        select
            members.audience_key,
            members.profile_id,
            'entered' as change_type,
            members.evaluated_at as changed_at,
            members.evaluated_at as recorded_at
        from members
        where 1 = 0
    {%- endif %}
),

changes_mapped as (
    select
        recorded_changes.audience_key,
        coalesce(profile_id_map.profile_id, recorded_changes.profile_id) as profile_id,
        recorded_changes.change_type,
        recorded_changes.changed_at,
        recorded_changes.recorded_at
    from recorded_changes
    left join profile_id_map
        on recorded_changes.profile_id = profile_id_map.old_profile_id
),

-- the latest change of each (audience, surviving profile); in one build, entered wins over exited
-- (two ids that merged later may have moved in opposite directions)
changes_ranked as (
    select
        changes_mapped.*,
        row_number() over (
            partition by changes_mapped.audience_key, changes_mapped.profile_id
            order by
                changes_mapped.recorded_at desc,
                changes_mapped.changed_at desc,
                case when changes_mapped.change_type = 'entered' then 0 else 1 end
        ) as recency_rank
    from changes_mapped
),

previous_members as (
    select
        changes_ranked.audience_key,
        changes_ranked.profile_id
    from changes_ranked
    where changes_ranked.recency_rank = 1 and changes_ranked.change_type = 'entered'
),

entered as (
    select
        members.audience_key,
        members.profile_id,
        'entered' as change_type
    from members
    left join previous_members
        on
            members.audience_key = previous_members.audience_key
            and members.profile_id = previous_members.profile_id
    where previous_members.profile_id is null
),

exited as (
    select
        previous_members.audience_key,
        previous_members.profile_id,
        'exited' as change_type
    from previous_members
    left join members
        on
            previous_members.audience_key = members.audience_key
            and previous_members.profile_id = members.profile_id
    where members.profile_id is null
),

changes as (
    select * from entered
    union all
    select * from exited
),

final as (
    select
        cast({{ dbt.concat([
            'changes.audience_key', "'|'", 'changes.profile_id', "'|'", "'" ~ invocation_id ~ "'"
        ]) }} as {{ dbt.type_string() }}) as change_id,
        cast(changes.audience_key as {{ dbt.type_string() }}) as audience_key,
        cast(changes.profile_id as {{ dbt.type_string() }}) as profile_id,
        cast(changes.change_type as {{ dbt.type_string() }}) as change_type,
        {{ cdp_as_of() }} as changed_at,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }}) as recorded_at,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as invocation_id
    from changes
)

select * from final
