{#
    One row per landed privacy request (request_id), typed and normalised: the identifier value as
    identity resolution stores it (email trimmed and lower-cased, phone in E.164 read with the default
    country of var cdp__identity_default_phone_country, as a request carries no country, NULL when it
    cannot be read; advertising id lower-cased, others trimmed). A request_id landed twice keeps its
    first copy (by file); a row without one gets 'missing_request_id:' || a hash of the row and is
    invalid. Invalid rows stay, with invalid_reason set, so they can be seen and fixed; only valid rows
    take effect.
#}

with

source_rows as (
    {% if cdp_landing_files_exist('privacy/**/requests*.csv') %}
        select * from {{ source('privacy', 'requests') }}
    {% else %}
        {{ cdp_empty_text_relation(['request_id', 'request_type', 'identifier_type', 'identifier_value',
            'requested_at', 'filename']) }}
    {% endif %}
),

source_rows_located as (
    select
        *,
        {{ cdp_landing_relative_path('filename', 'privacy') }} as source_file
    from source_rows
),

typed as (
    select
        nullif({{ cdp_identity_trim('request_id') }}, '') as request_id_given,
        md5(concat_ws('|', source_file, request_type, identifier_type, identifier_value, requested_at)) as row_hash,
        lower(nullif({{ cdp_identity_trim('request_type') }}, '')) as request_type,
        lower(nullif({{ cdp_identity_trim('identifier_type') }}, '')) as identifier_type,
        identifier_value as identifier_value_raw,
        {{ cdp_identity_phone_dialable('identifier_value') }} as phone_dialled,
        {{ cdp_parse_timestamp('requested_at') }} as requested_at,
        requested_at as requested_at_raw,
        source_file
    from source_rows_located
),

normalised as (
    select
        coalesce(typed.request_id_given, {{ dbt.concat(["'missing_request_id:'", 'typed.row_hash']) }}) as request_id,
        typed.request_id_given is null as is_missing_request_id,
        typed.request_type,
        typed.identifier_type,
        typed.identifier_value_raw,
        case typed.identifier_type
            when 'email' then {{ cdp_identity_normalize_email('typed.identifier_value_raw') }}
            {#- a request carries no country: the default var's plan, as for a message without one -#}
            when 'phone' then {{ cdp_identity_phone_e164('typed.phone_dialled') }}
            when 'advertising_id' then nullif(lower({{ cdp_identity_trim('typed.identifier_value_raw') }}), '')
            else nullif({{ cdp_identity_trim('typed.identifier_value_raw') }}, '')
        end as identifier_value,
        typed.requested_at,
        typed.requested_at_raw,
        typed.source_file
    from typed
),

checked as (
    select
        normalised.*,
        case
            when normalised.is_missing_request_id then 'missing_request_id'
            when coalesce(normalised.request_type, '') not in ('delete', 'suppress', 'unsuppress')
                then 'unknown_request_type'
            when normalised.identifier_type is null then 'missing_identifier_type'
            when normalised.identifier_value is null then 'invalid_identifier_value'
            when normalised.requested_at is null then 'unparseable_requested_at'
        end as invalid_reason,
        row_number() over (
            partition by normalised.request_id
            order by normalised.source_file, normalised.requested_at_raw
        ) as copy_number
    from normalised
),

final as (
    select
        request_id,
        request_type,
        identifier_type,
        identifier_value,
        identifier_value_raw,
        requested_at,
        invalid_reason,
        invalid_reason is null as is_valid,
        source_file
    from checked
    where copy_number = 1
)

select * from final
