{#
    One row per audience declared in models/marts/audiences/_audiences__definitions.yml: its name,
    description, a readable summary of its condition, the audiences it refers to and the order in
    which audiences are evaluated (referenced audiences first).
#}

{%- if execute %}
    {%- set source = cdp_audience_source() %}
    {%- set plan = cdp_audience_order(source) %}
{%- else %}
    {%- set source = {'file': '', 'audiences': {}} %}
    {%- set plan = {'order': [], 'references': {}} %}
{%- endif %}

with

members as (
    select * from {{ ref('int_audiences__members') }}
),

definitions as (
    {%- for key in plan.order %}
        {%- set audience = source.audiences[key] %}
    select
        '{{ key }}' as audience_key,
        '{{ (audience.get("name") or key) | replace("'", "''") }}' as audience_name,
        '{{ (audience.get("description") or "") | trim | replace("'", "''") }}' as description,
        '{{ cdp_audience_summary(audience.condition) | replace("'", "''") }}' as condition_summary,
        '{{ plan.references[key] | join(",") }}' as referenced_audiences,
        {{ loop.index }} as evaluation_order,
        '{{ source.file }}' as definition_file
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as audience_key,
        cast(null as {{ dbt.type_string() }}) as audience_name,
        cast(null as {{ dbt.type_string() }}) as description,
        cast(null as {{ dbt.type_string() }}) as condition_summary,
        cast(null as {{ dbt.type_string() }}) as referenced_audiences,
        0 as evaluation_order,
        cast(null as {{ dbt.type_string() }}) as definition_file
    from members
    where 1 = 0
    {%- endfor %}
),

member_counts as (
    select
        members.audience_key,
        count(*) as member_count
    from members
    group by members.audience_key
),

final as (
    select
        definitions.audience_key,
        definitions.audience_name as name,
        definitions.description,
        definitions.condition_summary,
        nullif(definitions.referenced_audiences, '') as referenced_audiences,
        cast(definitions.evaluation_order as {{ dbt.type_int() }}) as evaluation_order,
        definitions.definition_file,
        cast(coalesce(member_counts.member_count, 0) as {{ dbt.type_bigint() }}) as member_count,
        {{ cdp_as_of() }} as evaluated_at
    from definitions
    left join member_counts
        on definitions.audience_key = member_counts.audience_key
)

select * from final
