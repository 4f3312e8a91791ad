{#
    One row per (product line, competitor) where the competitor's latest usable observation of the
    product at or before the event time is at most cdp__competitor_freshness_hours old.

    As-of join without a range join: event rows and observation rows of each (product, competitor)
    are unioned and sorted by time (observations before events at the same instant, so an
    observation exactly at the event time counts); a running max of the observation's sequence
    number carries the latest observation forward to each event. One sort per partition, so the
    cost grows with n log n, not with events x observations.
#}

with

product_lines as (
    select * from {{ ref('int_enrichment__product_lines') }}
),

observations as (
    select * from {{ ref('int_competitors__observations_checked') }}
),

usable_observations as (
    select
        observation_id,
        product_id,
        competitor,
        observed_at,
        price_in_catalog_currency,
        is_in_stock,
        rating,
        review_count,
        row_number() over (
            partition by product_id, competitor
            order by observed_at, observation_id
        ) as observation_seq
    from observations
    where is_usable
),

competitor_products as (
    select distinct
        product_id,
        competitor
    from usable_observations
),

event_rows as (
    select
        product_lines.product_line_key,
        product_lines.product_id,
        competitor_products.competitor,
        product_lines.event_at as sorted_at,
        1 as row_kind,
        cast(null as bigint) as observation_seq
    from product_lines
    inner join competitor_products
        on product_lines.product_id = competitor_products.product_id
),

observation_rows as (
    select
        cast(null as {{ dbt.type_string() }}) as product_line_key,
        product_id,
        competitor,
        observed_at as sorted_at,
        0 as row_kind,
        observation_seq
    from usable_observations
),

timeline as (
    select * from event_rows
    union all
    select * from observation_rows
),

carried_forward as (
    select
        product_line_key,
        product_id,
        competitor,
        sorted_at as event_at,
        row_kind,
        max(observation_seq) over (
            partition by product_id, competitor
            order by sorted_at, row_kind
            rows between unbounded preceding and current row
        ) as latest_observation_seq
    from timeline
),

as_of as (
    select
        carried_forward.product_line_key,
        carried_forward.competitor,
        carried_forward.event_at,
        usable_observations.observation_id,
        usable_observations.observed_at,
        usable_observations.price_in_catalog_currency as competitor_price,
        usable_observations.is_in_stock,
        usable_observations.rating,
        usable_observations.review_count
    from carried_forward
    inner join usable_observations
        on
            carried_forward.product_id = usable_observations.product_id
            and carried_forward.competitor = usable_observations.competitor
            and carried_forward.latest_observation_seq = usable_observations.observation_seq
    where
        carried_forward.row_kind = 1
        and usable_observations.observed_at >= {{ dbt.dateadd(
            'hour', -1 * var('cdp__competitor_freshness_hours', 168), 'carried_forward.event_at') }}
),

final as (
    select
        {{ dbt.concat(['product_line_key', "':'", 'competitor']) }} as product_line_competitor_key,
        product_line_key,
        competitor,
        observation_id,
        observed_at,
        competitor_price,
        is_in_stock,
        rating,
        review_count
    from as_of
)

select * from final
