{# One row per landed bestseller-list position of a competitor category, typed; empty when no such file landed. #}

with

source_rows as (
    {% if cdp_landing_files_exist('competitors/**/bestseller_ranks*.csv') %}
        select * from {{ source('competitors', 'bestseller_ranks') }}
    {% else %}
        {{ cdp_empty_text_relation(['competitor', 'category', 'rank', 'listing_key', 'observed_at', 'filename']) }}
    {% endif %}
),

source_rows_located as (
    select
        *,
        {{ cdp_landing_relative_path('filename', 'competitors') }} as source_file
    from source_rows
),

typed as (
    select
        md5(concat_ws('|', source_file, competitor, category, rank, listing_key, observed_at)) as row_hash,
        lower(nullif(trim(competitor), '')) as competitor,
        nullif(trim(category), '') as category,
        {{ cdp_to_integer('rank') }} as bestseller_rank,
        nullif(trim(listing_key), '') as listing_key,
        {{ cdp_parse_timestamp('observed_at') }} as observed_at,
        source_file
    from source_rows_located
),

identified as (
    select
        {{ dbt.concat(['row_hash', "':'", dbt.safe_cast(
            'row_number() over (partition by row_hash order by row_hash)', dbt.type_string())]) }} as bestseller_rank_id,
        competitor,
        category,
        bestseller_rank,
        listing_key,
        observed_at,
        source_file
    from typed
)

select * from identified
