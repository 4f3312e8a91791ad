{#
    One row per profile, dimension (category, brand, price_tier) and value: the recency-decayed
    affinity score (sum of event weight * 0.5 ^ (age days / half-life) over the profile's product
    lines of that value, rounded to 6 decimals) and its rank within the profile and dimension
    (highest score first, then the value alphabetically).
#}

with

lines as (
    select * from {{ ref('int_traits__affinity_lines') }}
),

{%- set dimensions = ['category', 'brand', 'price_tier'] %}

lines_by_dimension as (
    {%- for dimension in dimensions %}
        select
            profile_id,
            '{{ dimension }}' as dimension,
            {{ dimension }} as dimension_value,
            event_name,
            event_at,
            decayed_weight
        from lines
        where {{ dimension }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

scored as (
    select
        profile_id,
        dimension,
        dimension_value,
        round(sum(decayed_weight), 6) as affinity_score,
        sum(case when event_name = 'Product Viewed' then 1 else 0 end) as view_count,
        sum(case when event_name = 'Product Added' then 1 else 0 end) as add_count,
        sum(case when event_name = 'Order Completed' then 1 else 0 end) as purchase_count,
        max(event_at) as last_event_at
    from lines_by_dimension
    group by profile_id, dimension, dimension_value
),

ranked as (
    select
        {{ dbt.concat(['profile_id', "'|'", 'dimension', "'|'", 'dimension_value']) }} as affinity_id,
        profile_id,
        dimension,
        dimension_value,
        {{ dbt.cast('affinity_score', cdp_type_double()) }} as affinity_score,
        {{ dbt.cast(
            'row_number() over (partition by profile_id, dimension order by affinity_score desc, dimension_value asc)',
            'bigint'
        ) }} as affinity_rank,
        {{ dbt.cast('view_count', 'bigint') }} as view_count,
        {{ dbt.cast('add_count', 'bigint') }} as add_count,
        {{ dbt.cast('purchase_count', 'bigint') }} as purchase_count,
        last_event_at
    from scored
)

select * from ranked
