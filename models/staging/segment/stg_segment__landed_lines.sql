with

landed as (
    select * from {{ source('segment', 'landed_lines') }}
),

numbered as (
    {{ cdp_number_landed_lines('landed') }}
),

relative_paths as (
    select
        -- path below the landing folder's segment/ directory, e.g. web/part-00001.jsonl.gz
        substr(filename, position('/segment/' in filename) + 9) as source_file,
        line_number,
        raw_line
    from numbered
),

final as (
    select
        {{ dbt.concat(['source_file', "':'", dbt.safe_cast('line_number', dbt.type_string())]) }} as line_id,
        source_file,
        line_number,
        raw_line
    from relative_paths
)

select * from final
