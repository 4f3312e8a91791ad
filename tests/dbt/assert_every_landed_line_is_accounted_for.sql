-- Every landed line yields at least one checked message row (staged, duplicate or quarantined):
-- no line is lost between the reader and the marts.
with

lines as (
    select * from {{ ref('stg_segment__landed_lines') }}
),

checked as (
    select distinct
        source_file,
        line_number
    from {{ ref('int_segment_messages_checked') }}
)

select lines.*
from lines
left join checked
    on lines.source_file = checked.source_file
    and lines.line_number = checked.line_number
where checked.source_file is null
