{#
    One row per audience and profile that is a member now (at cdp_as_of()). The SQL is generated
    from the audience definitions in models/marts/audiences/_audiences__definitions.yml by the
    macros in macros/audiences/: referenced audiences are evaluated first, cycles are refused.
    Inputs are referenced only when a definition needs them; the hints below declare them all.
#}

-- depends_on: {{ ref('dim_profiles') }}
-- depends_on: {{ ref('fct_events') }}
-- depends_on: {{ ref('fct_product_events_enriched') }}
-- depends_on: {{ ref('int_audiences__product_competitor_state') }}
-- depends_on: {{ ref('customer_traits') }}
-- depends_on: {{ ref('customer_computed_traits') }}

with

{{ cdp_audience_members_sql() }},

final as (
    select
        {{ dbt.concat(['members.audience_key', "'|'", 'members.profile_id']) }} as membership_id,
        members.audience_key,
        members.profile_id,
        {{ cdp_as_of() }} as evaluated_at
    from members
)

select * from final
