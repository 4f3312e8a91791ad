{#
    One row per profile: the contact fields exports read. Email and phone are the profile's primary
    ones (dim_profiles), phone_given the latest phone trait as sent; names and address are each the latest non-empty value sent in identify
    traits (snake_case or camelCase, top level or under address); country as ISO-2; consent from
    customer_traits (latest categoryPreferences per category, a missing category = false);
    is_suppressed from privacy requests. Country names are mapped by cdp_country_iso2
    (macros/identity/cdp_country.sql, the same table as cdp/export/normalize.py COUNTRY_NAMES).
#}

with

profiles as (
    select * from {{ ref('dim_profiles') }}
),

events as (
    select * from {{ ref('fct_events') }}
    where profile_id is not null
),

profile_identifiers as (
    select * from {{ ref('profile_identifiers') }}
),

suppressed_profiles as (
    select * from {{ ref('privacy_suppressed_profiles') }}
),

{# Consent is the traits' (latest categoryPreferences value per category, a missing category = false). #}
customer_traits as (
    select
        profile_id,
        consent_marketing,
        consent_advertising
    from {{ ref('customer_traits') }}
),

identify_traits as (
    select
        events.profile_id,
        events.event_at,
        events.event_id,
        nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.phone')) }}, '') as phone,
        coalesce(
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.first_name')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.firstName')) }}, '')
        ) as first_name,
        coalesce(
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.last_name')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.lastName')) }}, '')
        ) as last_name,
        coalesce(
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.address.city')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.city')) }}, '')
        ) as city,
        coalesce(
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.address.state')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.state')) }}, '')
        ) as state,
        coalesce(
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.address.postal_code')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.address.postalCode')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.address.zip')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.postal_code')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.zip')) }}, '')
        ) as zip,
        coalesce(
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.address.country')) }}, ''),
            nullif({{ cdp_identity_trim(cdp_json_extract_string('events.traits', '$.country')) }}, '')
        ) as country
    from events
    where events.message_type = 'identify' and events.traits is not null
),

{# Each field's latest non-empty value: a later identify without the field does not erase it. #}
ranked_first_name as (
    select
        identify_traits.profile_id,
        identify_traits.first_name,
        row_number() over (
            partition by identify_traits.profile_id
            order by identify_traits.event_at desc, identify_traits.event_id desc
        ) as recency_rank
    from identify_traits
    where identify_traits.first_name is not null
),

latest_first_name as (
    select
        profile_id,
        first_name
    from ranked_first_name
    where recency_rank = 1
),

ranked_phone as (
    select
        identify_traits.profile_id,
        identify_traits.phone,
        row_number() over (
            partition by identify_traits.profile_id
            order by identify_traits.event_at desc, identify_traits.event_id desc
        ) as recency_rank
    from identify_traits
    where identify_traits.phone is not null
),

latest_phone as (
    select
        profile_id,
        phone
    from ranked_phone
    where recency_rank = 1
),

ranked_last_name as (
    select
        identify_traits.profile_id,
        identify_traits.last_name,
        row_number() over (
            partition by identify_traits.profile_id
            order by identify_traits.event_at desc, identify_traits.event_id desc
        ) as recency_rank
    from identify_traits
    where identify_traits.last_name is not null
),

latest_last_name as (
    select
        profile_id,
        last_name
    from ranked_last_name
    where recency_rank = 1
),

ranked_city as (
    select
        identify_traits.profile_id,
        identify_traits.city,
        row_number() over (
            partition by identify_traits.profile_id
            order by identify_traits.event_at desc, identify_traits.event_id desc
        ) as recency_rank
    from identify_traits
    where identify_traits.city is not null
),

latest_city as (
    select
        profile_id,
        city
    from ranked_city
    where recency_rank = 1
),

ranked_state as (
    select
        identify_traits.profile_id,
        identify_traits.state,
        row_number() over (
            partition by identify_traits.profile_id
            order by identify_traits.event_at desc, identify_traits.event_id desc
        ) as recency_rank
    from identify_traits
    where identify_traits.state is not null
),

latest_state as (
    select
        profile_id,
        state
    from ranked_state
    where recency_rank = 1
),

ranked_zip as (
    select
        identify_traits.profile_id,
        identify_traits.zip,
        row_number() over (
            partition by identify_traits.profile_id
            order by identify_traits.event_at desc, identify_traits.event_id desc
        ) as recency_rank
    from identify_traits
    where identify_traits.zip is not null
),

latest_zip as (
    select
        profile_id,
        zip
    from ranked_zip
    where recency_rank = 1
),

ranked_country as (
    select
        identify_traits.profile_id,
        identify_traits.country,
        row_number() over (
            partition by identify_traits.profile_id
            order by identify_traits.event_at desc, identify_traits.event_id desc
        ) as recency_rank
    from identify_traits
    where identify_traits.country is not null
),

latest_country as (
    select
        profile_id,
        country
    from ranked_country
    where recency_rank = 1
),

ranked_advertising_ids as (
    select
        profile_identifiers.profile_id,
        profile_identifiers.identifier_value as advertising_id,
        row_number() over (
            partition by profile_identifiers.profile_id
            order by profile_identifiers.last_seen_at desc, profile_identifiers.identifier_value asc
        ) as recency_rank
    from profile_identifiers
    where profile_identifiers.identifier_type = 'advertising_id'
),

advertising_ids as (
    select
        profile_id,
        advertising_id
    from ranked_advertising_ids
    where recency_rank = 1
),

joined as (
    select
        profiles.profile_id,
        profiles.primary_email as email,
        profiles.primary_phone as phone,
        latest_phone.phone as phone_given,
        latest_first_name.first_name,
        latest_last_name.last_name,
        latest_city.city,
        latest_state.state,
        latest_zip.zip,
        upper(replace(latest_country.country, '.', '')) as country_given,
        advertising_ids.advertising_id,
        coalesce(customer_traits.consent_marketing, false) as consent_marketing,
        coalesce(customer_traits.consent_advertising, false) as consent_advertising,
        suppressed_profiles.profile_id is not null as is_suppressed
    from profiles
    left join latest_phone
        on profiles.profile_id = latest_phone.profile_id
    left join latest_first_name
        on profiles.profile_id = latest_first_name.profile_id
    left join latest_last_name
        on profiles.profile_id = latest_last_name.profile_id
    left join latest_city
        on profiles.profile_id = latest_city.profile_id
    left join latest_state
        on profiles.profile_id = latest_state.profile_id
    left join latest_zip
        on profiles.profile_id = latest_zip.profile_id
    left join latest_country
        on profiles.profile_id = latest_country.profile_id
    left join customer_traits
        on profiles.profile_id = customer_traits.profile_id
    left join advertising_ids
        on profiles.profile_id = advertising_ids.profile_id
    left join suppressed_profiles
        on profiles.profile_id = suppressed_profiles.profile_id
),

{# Country names and ISO-3 codes sent instead of ISO-2 (cdp_country_iso2: 'U.S.A.' is USA); other two letters pass. #}
final as (
    select
        profile_id,
        email,
        phone,
        phone_given,
        first_name,
        last_name,
        city,
        state,
        zip,
        {{ cdp_country_iso2('country_given') }} as country,
        advertising_id,
        consent_marketing,
        consent_advertising,
        is_suppressed
    from joined
)

select * from final
