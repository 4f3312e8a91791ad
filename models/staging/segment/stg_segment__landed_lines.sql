with

landed as (
    select * from {{ source('segment', 'landed_lines') }}
),

numbered as (
    {{ cdp_number_landed_lines('landed') }}
),

renamed as (
    select
        {{ dbt.concat(['numbered.source_file', "':'", dbt.safe_cast('numbered.line_number', dbt.type_string())]) }} as line_id,
        numbered.*
    from (
        select
            -- path below the landing folder's segment/ directory, e.g. web/part-00001.jsonl.gz
            substr(filename, position('/segment/' in filename) + 9) as source_file,
            line_number,
            raw_line
        from numbered
    ) as numbered
)

select * from renamed
