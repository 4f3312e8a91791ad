{# Adds the 1-based line number within each file to the landed lines (columns filename, raw_line). #}
{% macro cdp_number_landed_lines(relation) -%}
    {{ return(adapter.dispatch('cdp_number_landed_lines', 'cdp')(relation)) }}
{%- endmacro %}

{#
    Portable default: the landed-lines table carries a line number already (an external table
    whose reader numbers lines), in a column named line_number.
#}
{% macro default__cdp_number_landed_lines(relation) -%}
    select
        filename,
        line_number,
        raw_line
    from {{ relation }}
{%- endmacro %}

{#
    DuckDB reads files in order and preserves insertion order, so row_number() over () follows
    the file order; the first row of each file gives the offset for its line numbers.
    tests/test_landing_accounting.py proves it on multi-file, multi-block input.
#}
{% macro duckdb__cdp_number_landed_lines(relation) -%}
    with scanned as (
        select
            landed.filename,
            landed.raw_line,
            row_number() over () as scan_position
        from {{ relation }} as landed
    ),

    file_starts as (
        select
            filename,
            min(scan_position) as first_position
        from scanned
        group by filename
    )

    select
        scanned.filename,
        scanned.scan_position - file_starts.first_position + 1 as line_number,
        scanned.raw_line
    from scanned
    inner join file_starts
        on scanned.filename = file_starts.filename
{%- endmacro %}

{#
    Spark: a `text` table has no line number; number lines by the reader's monotonically
    increasing id, which follows file order within a file.
#}
{% macro spark__cdp_number_landed_lines(relation) -%}
    select
        scanned.filename,
        row_number() over (partition by scanned.filename order by scanned.scan_position) as line_number,
        scanned.raw_line
    from (
        select
            landed.filename,
            landed.raw_line,
            monotonically_increasing_id() as scan_position
        from {{ relation }} as landed
    ) as scanned
{%- endmacro %}
