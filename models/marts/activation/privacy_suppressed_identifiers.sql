{#
    One row per identifier (type, value) an export must never write: every identifier of a deleted
    or suppressed profile (group_id excepted: an account shared by many profiles), the profile id
    itself and the ids retired into it, and every requested identifier whose latest state is
    deleted or suppressed even when no profile carries it (yet).
#}

with

suppressed_profiles as (
    select * from {{ ref('privacy_suppressed_profiles') }}
),

profile_identifiers as (
    select * from {{ ref('profile_identifiers') }}
),

profile_id_map as (
    select * from {{ ref('profile_id_map') }}
),

requests as (
    select * from {{ ref('stg_privacy__requests') }}
    where is_valid
),

requests_ranked as (
    select
        requests.identifier_type,
        requests.identifier_value,
        requests.request_type,
        row_number() over (
            partition by requests.identifier_type, requests.identifier_value
            order by requests.requested_at desc, requests.request_id desc
        ) as recency_rank
    from requests
),

{# Deleted when any request deleted it; suppressed when its latest request is a suppress. #}
requested_states as (
    select
        requests_ranked.identifier_type,
        requests_ranked.identifier_value,
        case
            when max(case when requests_ranked.request_type = 'delete' then 1 else 0 end) = 1
                then 'deleted'
            when
                max(case
                    when requests_ranked.recency_rank = 1 and requests_ranked.request_type = 'suppress'
                        then 1
                    else 0
                end) = 1
                then 'suppressed'
        end as suppression_type
    from requests_ranked
    group by requests_ranked.identifier_type, requests_ranked.identifier_value
),

candidates as (
    select
        profile_identifiers.identifier_type,
        profile_identifiers.identifier_value,
        suppressed_profiles.profile_id,
        suppressed_profiles.suppression_type,
        'profile_identifier' as reason,
        2 as reason_rank
    from suppressed_profiles
    inner join profile_identifiers
        on suppressed_profiles.profile_id = profile_identifiers.profile_id
    where profile_identifiers.identifier_type != 'group_id'
    union all
    select
        'profile_id' as identifier_type,
        suppressed_profiles.profile_id as identifier_value,
        suppressed_profiles.profile_id,
        suppressed_profiles.suppression_type,
        'profile_id' as reason,
        3 as reason_rank
    from suppressed_profiles
    union all
    select
        'profile_id' as identifier_type,
        profile_id_map.old_profile_id as identifier_value,
        suppressed_profiles.profile_id,
        suppressed_profiles.suppression_type,
        'retired_profile_id' as reason,
        4 as reason_rank
    from suppressed_profiles
    inner join profile_id_map
        on suppressed_profiles.profile_id = profile_id_map.profile_id
    union all
    select
        requested_states.identifier_type,
        requested_states.identifier_value,
        cast(null as {{ dbt.type_string() }}) as profile_id,
        requested_states.suppression_type,
        'requested' as reason,
        1 as reason_rank
    from requested_states
    where requested_states.suppression_type is not null
),

ranked as (
    select
        candidates.*,
        row_number() over (
            partition by candidates.identifier_type, candidates.identifier_value
            order by
                case when candidates.suppression_type = 'deleted' then 0 else 1 end,
                candidates.reason_rank,
                candidates.profile_id
        ) as candidate_rank,
        max(candidates.profile_id) over (
            partition by candidates.identifier_type, candidates.identifier_value
        ) as any_profile_id
    from candidates
),

final as (
    select
        {{ dbt.concat(['identifier_type', "':'", 'identifier_value']) }} as suppressed_identifier_id,
        identifier_type,
        identifier_value,
        coalesce(profile_id, any_profile_id) as profile_id,
        suppression_type,
        suppression_type = 'deleted' as is_deleted,
        reason
    from ranked
    where candidate_rank = 1
)

select * from final
