{#
    One row per identifier value seen on an event: (event_id, identifier_type, identifier_value).
    Identifiers come from the message fields, context.externalIds and the trait / property paths of
    var cdp__identity_identifier_paths; they are normalised (email trimmed and lower-cased, phone to
    E.164, advertising ids lower-cased, the rest trimmed) and only types listed in the identity_rules
    seed are kept. A national phone number is read with the dialling plan of the message's country
    (traits address / country, else the locale's region, else var cdp__identity_default_phone_country);
    one that cannot be read is NULL. Junk is not removed here: blocked_rule says why a value must not
    be matched (invalid_format for a value that did not normalise).
#}
{%- set identifier_paths = var('cdp__identity_identifier_paths', [
    {'identifier_type': 'crm_id', 'column': 'traits', 'path': '$.crm_id'},
    {'identifier_type': 'loyalty_id', 'column': 'traits', 'path': '$.loyalty_id'},
    {'identifier_type': 'marketplace_customer_id', 'column': 'traits', 'path': '$.marketplace_customer_id'},
    {'identifier_type': 'ga_client_id', 'column': 'traits', 'path': '$.ga_client_id'},
    {'identifier_type': 'ga_client_id', 'column': 'properties', 'path': '$.ga_client_id'},
]) -%}

with

events as (
    select * from {{ ref('int_events_deduplicated') }}
),

rules as (
    select * from {{ ref('identity_rules') }}
),

blocked_values as (
    select * from {{ ref('identity_blocked_values') }}
),

known_user_ids as (
    select distinct events.user_id
    from events
    where events.user_id is not null
),

events_with_external_ids as (
    select
        external_id_lists.event_id,
        external_id_lists.event_at,
        external_id_lists.external_ids
    from (
        select
            events.event_id,
            events.event_at,
            cast(events.external_ids as {{ dbt.type_string() }}) as external_ids
        from events
    ) as external_id_lists
    where external_id_lists.external_ids like '[%'
),

external_id_elements as (
    {{ cdp_explode_json_array('events_with_external_ids', 'external_ids', 'external_id_json', 'external_id_position') }}
),

field_identifiers as (
    {%- set fields = [
        ('user_id', 'user_id', 'userId'),
        ('anonymous_id', 'anonymous_id', 'anonymousId'),
        ('email', 'email', 'email'),
        ('phone', 'phone', 'phone'),
        ('device_id', 'device_id', 'context.device.id'),
        ('advertising_id', 'advertising_id', 'context.device.advertisingId'),
        ('group_id', 'group_id', 'groupId'),
    ] %}
    {%- for identifier_type, column_name, source_label in fields %}
        select
            events.event_id,
            events.event_at,
            '{{ identifier_type }}' as identifier_type,
            events.{{ column_name }} as raw_value,
            '{{ source_label }}' as identifier_source,
            {%- if identifier_type == 'user_id' %}
                case when events.message_type = 'alias' then 'alias_user_id' else 'message' end as identifier_role
            {%- else %}
                'message' as identifier_role
            {%- endif %}
        from events
        where events.{{ column_name }} is not null
        union all
    {%- endfor %}
    {%- for path in identifier_paths %}
        select
            events.event_id,
            events.event_at,
            '{{ path.identifier_type }}' as identifier_type,
            {{ cdp_json_extract_string('events.' ~ path.column, path.path) }} as raw_value,
            '{{ path.column }}{{ path.path[1:] }}' as identifier_source,
            'message' as identifier_role
        from events
        where events.{{ path.column }} is not null
        union all
    {%- endfor %}
    select
        external_id_elements.event_id,
        external_id_elements.event_at,
        lower({{ cdp_identity_trim(cdp_json_extract_string('external_id_elements.external_id_json', '$.type')) }})
            as identifier_type,
        {{ cdp_json_extract_string('external_id_elements.external_id_json', '$.id') }} as raw_value,
        'context.externalIds' as identifier_source,
        'message' as identifier_role
    from external_id_elements
),

{# previousId is a user_id when that value is used as a userId anywhere, else an anonymousId. #}
alias_previous_ids as (
    select
        events.event_id,
        events.event_at,
        case when known_user_ids.user_id is null then 'anonymous_id' else 'user_id' end as identifier_type,
        events.previous_id as raw_value,
        'previousId' as identifier_source,
        'alias_previous_id' as identifier_role
    from events
    left join known_user_ids
        on events.previous_id = known_user_ids.user_id
    where events.message_type = 'alias' and events.previous_id is not null
),

raw_identifiers as (
    select * from field_identifiers
    union all
    select * from alias_previous_ids
),

phone_event_ids as (
    select distinct raw_identifiers.event_id
    from raw_identifiers
    where raw_identifiers.identifier_type = 'phone'
),

{# The country a national phone number is read with: the message's (traits, then locale); NULL = the default var. #}
phone_countries as (
    select
        events.event_id,
        {{ cdp_identity_message_country('events.traits', 'events.context', 'events.locale') }} as phone_country
    from events
    inner join phone_event_ids
        on events.event_id = phone_event_ids.event_id
),

{# A phone's digits as dialled kept in a column: the E.164 step reads it many times (small compiled SQL). #}
dialled_identifiers as (
    select
        raw_identifiers.*,
        case
            when raw_identifiers.identifier_type = 'phone'
                then {{ cdp_identity_phone_dialable('raw_identifiers.raw_value') }}
        end as phone_dialled,
        phone_countries.phone_country
    from raw_identifiers
    left join phone_countries
        on
            raw_identifiers.event_id = phone_countries.event_id
            and raw_identifiers.identifier_type = 'phone'
    where raw_identifiers.raw_value is not null
),

normalised as (
    select
        dialled_identifiers.event_id,
        dialled_identifiers.event_at,
        dialled_identifiers.identifier_type,
        dialled_identifiers.raw_value,
        dialled_identifiers.identifier_source,
        dialled_identifiers.identifier_role,
        case dialled_identifiers.identifier_type
            when 'email'
                then
                    case
                        when {{ cdp_identity_normalize_email('dialled_identifiers.raw_value') }} like '%_@_%._%'
                            then {{ cdp_identity_normalize_email('dialled_identifiers.raw_value') }}
                    end
            when 'phone'
                then {{ cdp_identity_phone_e164(
                    'dialled_identifiers.phone_dialled', 'dialled_identifiers.phone_country'
                ) }}
            when 'advertising_id' then nullif(lower({{ cdp_identity_trim('dialled_identifiers.raw_value') }}), '')
            else nullif({{ cdp_identity_trim('dialled_identifiers.raw_value') }}, '')
        end as identifier_value
    from dialled_identifiers
),

typed as (
    select
        normalised.*,
        rules.priority,
        rules.can_merge
    from normalised
    inner join rules
        on normalised.identifier_type = rules.identifier_type
),

distinct_values as (
    select distinct
        typed.identifier_type,
        typed.identifier_value
    from typed
    where typed.identifier_value is not null
),

blocked_matches as (
    select
        distinct_values.identifier_type,
        distinct_values.identifier_value,
        min(blocked_values.match_type || ':' || blocked_values.blocked_value) as blocked_rule
    from distinct_values
    inner join blocked_values
        on
            blocked_values.identifier_type in ('*', distinct_values.identifier_type)
            and (
                (
                    blocked_values.match_type = 'exact'
                    and lower(distinct_values.identifier_value) = blocked_values.blocked_value
                )
                or (
                    blocked_values.match_type = 'regex'
                    and {{ cdp_identity_regex_matches(
                        'lower(distinct_values.identifier_value)', 'blocked_values.blocked_value'
                    ) }}
                )
            )
    group by distinct_values.identifier_type, distinct_values.identifier_value
),

occurrences as (
    select
        typed.event_id,
        typed.event_at,
        typed.identifier_type,
        typed.identifier_value,
        typed.raw_value,
        typed.identifier_source,
        typed.identifier_role,
        typed.priority,
        typed.can_merge,
        case
            when typed.identifier_value is null then 'invalid_format'
            else blocked_matches.blocked_rule
        end as blocked_rule
    from typed
    left join blocked_matches
        on
            typed.identifier_type = blocked_matches.identifier_type
            and typed.identifier_value = blocked_matches.identifier_value
),

{# One row per (event, type, value): the same value from two fields of one message counts once. #}
deduplicated as (
    select
        occurrences.*,
        row_number() over (
            partition by
                occurrences.event_id,
                occurrences.identifier_type,
                coalesce(occurrences.identifier_value, occurrences.raw_value)
            order by case when occurrences.identifier_role = 'message' then 1 else 0 end, occurrences.identifier_source
        ) as occurrence_rank
    from occurrences
)

select
    event_id,
    event_at,
    identifier_type,
    identifier_value,
    raw_value,
    identifier_source,
    identifier_role,
    priority,
    can_merge,
    blocked_rule,
    {{ cdp_identity_node_key(['identifier_type', 'identifier_value']) }} as node_key
from deduplicated
where occurrence_rank = 1
