{%- set contested_attribution = var('cdp__identity_contested_attribution', 'next_login') -%}
{%- if contested_attribution not in ('next_login', 'previous_login') -%}
    {{ exceptions.raise_compiler_error(
        "var cdp__identity_contested_attribution must be next_login or previous_login, not '"
        ~ contested_attribution ~ "'") }}
{%- endif -%}
{#
    One row per event: the profile key it goes to (before stable profile ids are assigned).
    An event goes to the profile of its top identifier (highest priority, then smallest key). When
    that identifier is contested (messages tie it to more than one profile, e.g. a family computer
    or a store kiosk two people logged in on), the event goes by time to one of the profiles that
    claimed it (a claim = a message carrying it with a higher-priority identifier: a login).
    var cdp__identity_contested_attribution chooses which:
      next_login (default): the first claim at or after the event; after the last claim, the last
        claimant. On a shared device a session is anonymous until someone logs in, and analytics
        libraries then send the userId on every event, so anonymous events precede their login.
      previous_login: the last claim at or before the event; before the first claim, the first
        claimant (anonymous events before the second login stay with the first user).
    Events with no usable identifier are a profile of their own (keyed by the event).
#}

with

events as (
    select
        event_id,
        event_at
    from {{ ref('int_events_deduplicated') }}
),

occurrences as (
    select * from {{ ref('int_identity__identifier_occurrences') }}
    where blocked_rule is null and can_merge
),

identifier_groups as (
    select * from {{ ref('int_identity__identifier_groups') }}
),

group_profiles as (
    select * from {{ ref('int_identity__group_profiles') }}
),

event_groups as (
    select
        occurrences.event_id,
        occurrences.event_at,
        occurrences.priority,
        occurrences.node_key,
        identifier_groups.group_key,
        group_profiles.profile_key,
        row_number() over (
            partition by occurrences.event_id
            order by occurrences.priority, occurrences.node_key
        ) as position_on_message
    from occurrences
    inner join identifier_groups
        on occurrences.node_key = identifier_groups.node_key
    inner join group_profiles
        on identifier_groups.group_key = group_profiles.group_key
),

event_tops as (
    select
        event_groups.event_id,
        event_groups.event_at,
        event_groups.priority,
        event_groups.group_key,
        event_groups.profile_key
    from event_groups
    where event_groups.position_on_message = 1
),

claims as (
    select distinct
        event_groups.group_key,
        event_groups.event_at,
        event_groups.event_id,
        event_tops.profile_key as claim_profile_key
    from event_groups
    inner join event_tops
        on event_groups.event_id = event_tops.event_id
    where
        event_groups.position_on_message > 1
        and event_groups.group_key <> event_tops.group_key
),

contested_groups as (
    select claims.group_key
    from claims
    inner join group_profiles
        on claims.group_key = group_profiles.group_key
    group by claims.group_key
    having
        count(distinct claims.claim_profile_key) > 1
        or max(case when claims.claim_profile_key <> group_profiles.profile_key then 1 else 0 end) = 1
),

timeline as (
    select
        claims.group_key,
        claims.event_at,
        claims.event_id,
        claims.claim_profile_key,
        1 as is_claim
    from claims
    inner join contested_groups
        on claims.group_key = contested_groups.group_key
    union all
    select
        event_tops.group_key,
        event_tops.event_at,
        event_tops.event_id,
        cast(null as {{ dbt.type_bigint() }}) as claim_profile_key,
        0 as is_claim
    from event_tops
    inner join contested_groups
        on event_tops.group_key = contested_groups.group_key
),

numbered_timeline as (
    select
        timeline.*,
        sum(timeline.is_claim) over (
            partition by timeline.group_key
            {#- at the same instant, a claim counts as before the event for previous_login, after it for next_login #}
            order by
                timeline.event_at asc,
                timeline.is_claim {{ 'asc' if contested_attribution == 'next_login' else 'desc' }},
                timeline.event_id asc
            rows between unbounded preceding and current row
        ) as claim_number,
        sum(timeline.is_claim) over (partition by timeline.group_key) as claim_count
    from timeline
),

numbered_claims as (
    select
        numbered_timeline.group_key,
        numbered_timeline.claim_number,
        numbered_timeline.claim_profile_key
    from numbered_timeline
    where numbered_timeline.is_claim = 1
),

contested_event_profiles as (
    select
        numbered_timeline.event_id,
        numbered_claims.claim_profile_key as profile_key
    from numbered_timeline
    inner join numbered_claims
        on
            numbered_timeline.group_key = numbered_claims.group_key
            {%- if contested_attribution == 'next_login' %}
                and numbered_claims.claim_number = case
                    when
                        numbered_timeline.claim_number = numbered_timeline.claim_count
                        then numbered_timeline.claim_count
                    else numbered_timeline.claim_number + 1
                end
            {%- else %}
        and numbered_claims.claim_number = case
            when numbered_timeline.claim_number = 0 then 1 else numbered_timeline.claim_number
        end
        {%- endif %}
    where numbered_timeline.is_claim = 0
),

event_profile_keys as (
    select
        events.event_id,
        events.event_at,
        coalesce(
            contested_event_profiles.profile_key,
            event_tops.profile_key,
            {{ cdp_identity_node_key(["'event'", 'events.event_id']) }}
        ) as profile_key,
        case
            when contested_event_profiles.event_id is not null then 'contested_identifier_by_time'
            when event_tops.event_id is not null then 'top_identifier'
            else 'no_identifier'
        end as attribution,
        event_tops.group_key as top_group_key
    from events
    left join event_tops
        on events.event_id = event_tops.event_id
    left join contested_event_profiles
        on events.event_id = contested_event_profiles.event_id
)

select * from event_profile_keys
