-- Staging reads each landed file once (incremental by file, landed files being immutable). This
-- fails when a file staged by an earlier build is no longer landed as it was: removed, rewritten
-- with another number of lines, or cdp__landing_dir now points elsewhere. Each row names the file;
-- rebuild from what is landed now with `dbt build --full-refresh`.
with

landed as (
    select
        source_file,
        count(*) as landed_line_count
    from {{ ref('stg_segment__landed_lines') }}
    group by source_file
),

staged as (
    select
        source_file,
        count(distinct line_number) as staged_line_count
    from {{ ref('stg_segment__messages') }}
    group by source_file
)

select
    staged.source_file,
    staged.staged_line_count,
    coalesce(landed.landed_line_count, 0) as landed_line_count,
    case
        when landed.source_file is null then 'staged earlier but no longer landed'
        else 'landed again with another number of lines'
    end as problem,
    'dbt build --full-refresh' as fix
from staged
left join landed
    on staged.source_file = landed.source_file
where landed.source_file is null or landed.landed_line_count != staged.staged_line_count
