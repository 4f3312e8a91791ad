{#
    One row per profile that is currently deleted or suppressed by a privacy request. Per
    identifier the latest request wins; a delete is final (an unsuppress never lifts it), an
    unsuppress lifts an earlier suppress. A request reaches its profile through the identity graph:
    identifier -> profile via profile_identifiers; a profile_id request follows profile_id_map when
    the id was retired by a merge. A profile is deleted when any of its identifiers is, else
    suppressed when any of its identifiers is.
#}

with

requests as (
    select * from {{ ref('stg_privacy__requests') }}
    where is_valid
),

profile_identifiers as (
    select * from {{ ref('profile_identifiers') }}
),

profile_id_map as (
    select * from {{ ref('profile_id_map') }}
),

profiles as (
    select profile_id from {{ ref('dim_profiles') }}
),

requests_ranked as (
    select
        requests.*,
        row_number() over (
            partition by requests.identifier_type, requests.identifier_value
            order by
                case when requests.request_type = 'delete' then 0 else 1 end,
                requests.requested_at desc,
                requests.request_id desc
        ) as delete_rank,
        row_number() over (
            partition by requests.identifier_type, requests.identifier_value
            order by requests.requested_at desc, requests.request_id desc
        ) as recency_rank
    from requests
),

{# The state of each requested identifier: deleted (any delete, ever) or suppressed (latest is suppress). #}
identifier_states as (
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
        end as suppression_type,
        coalesce(
            max(case
                when requests_ranked.request_type = 'delete' and requests_ranked.delete_rank = 1
                    then requests_ranked.request_id
            end),
            max(case when requests_ranked.recency_rank = 1 then requests_ranked.request_id end)
        ) as deciding_request_id,
        coalesce(
            max(case
                when requests_ranked.request_type = 'delete' and requests_ranked.delete_rank = 1
                    then requests_ranked.requested_at
            end),
            max(requests_ranked.requested_at)
        ) as deciding_requested_at,
        min(requests_ranked.requested_at) as first_requested_at,
        max(requests_ranked.requested_at) as last_requested_at,
        count(*) as request_count
    from requests_ranked
    group by requests_ranked.identifier_type, requests_ranked.identifier_value
),

{# A retired profile id points to its survivor; a current one to itself. #}
requested_profile_ids as (
    select
        identifier_states.identifier_type,
        identifier_states.identifier_value,
        coalesce(profile_id_map.profile_id, profiles.profile_id) as profile_id
    from identifier_states
    left join profile_id_map
        on identifier_states.identifier_value = profile_id_map.old_profile_id
    left join profiles
        on identifier_states.identifier_value = profiles.profile_id
    where identifier_states.identifier_type = 'profile_id'
),

requested_identifiers_matched as (
    select
        identifier_states.identifier_type,
        identifier_states.identifier_value,
        profile_identifiers.profile_id
    from identifier_states
    inner join profile_identifiers
        on
            identifier_states.identifier_type = profile_identifiers.identifier_type
            and identifier_states.identifier_value = profile_identifiers.identifier_value
    where identifier_states.identifier_type != 'profile_id'
),

identifier_profiles as (
    select * from requested_profile_ids
    where profile_id is not null
    union all
    select * from requested_identifiers_matched
),

identifier_profile_states as (
    select
        identifier_profiles.profile_id,
        identifier_states.suppression_type,
        identifier_states.deciding_request_id,
        identifier_states.first_requested_at,
        identifier_states.last_requested_at,
        identifier_states.request_count,
        row_number() over (
            partition by identifier_profiles.profile_id
            order by
                case when identifier_states.suppression_type = 'deleted' then 0 else 1 end,
                identifier_states.deciding_requested_at desc,
                identifier_states.deciding_request_id desc
        ) as deciding_rank
    from identifier_profiles
    inner join identifier_states
        on
            identifier_profiles.identifier_type = identifier_states.identifier_type
            and identifier_profiles.identifier_value = identifier_states.identifier_value
    where identifier_states.suppression_type is not null
),

{# The deciding request: the latest delete when there is one, else the latest suppress. #}
profile_states as (
    select
        profile_id,
        max(case when suppression_type = 'deleted' then 1 else 0 end) = 1 as is_deleted,
        max(case when deciding_rank = 1 then deciding_request_id end) as deciding_request_id,
        min(first_requested_at) as first_requested_at,
        max(last_requested_at) as last_requested_at,
        {{ dbt.cast('sum(request_count)', dbt.type_bigint()) }} as request_count
    from identifier_profile_states
    group by profile_id
),

final as (
    select
        profile_id,
        case when is_deleted then 'deleted' else 'suppressed' end as suppression_type,
        is_deleted,
        deciding_request_id,
        first_requested_at,
        last_requested_at,
        request_count
    from profile_states
)

select * from final
