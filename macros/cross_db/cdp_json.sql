{# Portable JSON access. Every engine-specific JSON function used by the models lives in this file. #}

{# ---------------------------------------------------------------------------------------------- #}
{# True when the text is well-formed JSON (any JSON value). #}
{% macro cdp_is_valid_json(expr) -%}
    {{ return(adapter.dispatch('cdp_is_valid_json', 'cdp')(expr)) }}
{%- endmacro %}

{% macro default__cdp_is_valid_json(expr) -%}
    ({{ expr }} is json)
{%- endmacro %}

{% macro duckdb__cdp_is_valid_json(expr) -%}
    coalesce(json_valid({{ expr }}), false)
{%- endmacro %}

{#
    Spark: get_json_object and from_json read the first JSON value and ignore what follows it, so
    '{"a":1}{"b":2}' or '{"a":1} junk' would pass, and they accept 'single quotes'. The text is
    valid when, wrapped in an array, it reads as exactly one element, and with ",0" appended as
    exactly two (trailing text after a closing bracket fails one of the two).
#}
{% macro spark__cdp_is_valid_json(expr) -%}
    coalesce(
        size(from_json(concat('[', {{ expr }}, ']'), 'array<string>', map('allowSingleQuotes', 'false'))) = 1
        and size(from_json(concat('[', {{ expr }}, ',0]'), 'array<string>', map('allowSingleQuotes', 'false'))) = 2,
        false
    )
{%- endmacro %}


{# ---------------------------------------------------------------------------------------------- #}
{# Scalar at a JSONPath ('$.a.b') as text; NULL when absent. Objects and arrays come back as JSON text. #}
{% macro cdp_json_extract_string(expr, path) -%}
    {{ return(adapter.dispatch('cdp_json_extract_string', 'cdp')(expr, path)) }}
{%- endmacro %}

{% macro default__cdp_json_extract_string(expr, path) -%}
    coalesce(json_value({{ expr }}, '{{ path }}'), json_query({{ expr }}, '{{ path }}'))
{%- endmacro %}

{% macro duckdb__cdp_json_extract_string(expr, path) -%}
    json_extract_string({{ expr }}, '{{ path }}')
{%- endmacro %}

{% macro spark__cdp_json_extract_string(expr, path) -%}
    get_json_object({{ expr }}, '{{ path }}')
{%- endmacro %}


{# ---------------------------------------------------------------------------------------------- #}
{#
    Parses JSON text once into a struct, given a spec: a dict of field name -> 'string' | 'json' |
    nested dict. 'string' fields hold scalars as text (numbers keep their digits, so numeric strings
    and numbers read alike); 'json' fields hold the raw JSON text of whatever is there. Fields read
    as `parsed.field.subfield`. Lenient: a value of the wrong shape gives NULL, never an error.
#}
{% macro cdp_parse_json(expr, spec) -%}
    {{ return(adapter.dispatch('cdp_parse_json', 'cdp')(expr, spec)) }}
{%- endmacro %}

{% macro default__cdp_parse_json(expr, spec) -%}
    {{ exceptions.raise_compiler_error(
        "cdp_parse_json has no implementation for adapter '" ~ adapter.type()
        ~ "': add a macro " ~ adapter.type() ~ "__cdp_parse_json(expr, spec) in macros/cross_db/cdp_json.sql"
        ~ " that parses JSON text into a struct (see duckdb__ and spark__ versions)."
    ) }}
{%- endmacro %}

{% macro _cdp_duckdb_json_spec(spec) -%}
    {%- set parts = [] -%}
    {%- for name, kind in spec.items() -%}
        {%- if kind is mapping -%}
            {%- do parts.append('"' ~ name ~ '":' ~ _cdp_duckdb_json_spec(kind)) -%}
        {%- elif kind == 'json' -%}
            {%- do parts.append('"' ~ name ~ '":"JSON"') -%}
        {%- else -%}
            {%- do parts.append('"' ~ name ~ '":"VARCHAR"') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ '{' ~ parts | join(',') ~ '}' }}
{%- endmacro %}

{% macro duckdb__cdp_parse_json(expr, spec) -%}
    json_transform({{ expr }}, '{{ _cdp_duckdb_json_spec(spec) }}')
{%- endmacro %}

{% macro _cdp_spark_struct_spec(spec) -%}
    {%- set parts = [] -%}
    {%- for name, kind in spec.items() -%}
        {%- if kind is mapping -%}
            {%- do parts.append('`' ~ name ~ '`:' ~ _cdp_spark_struct_spec(kind)) -%}
        {%- else -%}
            {%- do parts.append('`' ~ name ~ '`:string') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ 'struct<' ~ parts | join(',') ~ '>' }}
{%- endmacro %}

{% macro spark__cdp_parse_json(expr, spec) -%}
    from_json({{ expr }}, '{{ _cdp_spark_struct_spec(spec) }}')
{%- endmacro %}


{# ---------------------------------------------------------------------------------------------- #}
{#
    One row per element of a JSON array held as text in `array_column` of `relation`: all the
    relation's columns, plus the element as JSON text (`element_name`) and its 1-based position
    (`index_name`). Rows whose array is empty or not an array produce no rows.
#}
{% macro cdp_explode_json_array(relation, array_column, element_name, index_name) -%}
    {{ return(adapter.dispatch('cdp_explode_json_array', 'cdp')(relation, array_column, element_name, index_name)) }}
{%- endmacro %}

{# SQL:2016 JSON_TABLE (PostgreSQL 17, Oracle, MySQL 8). #}
{% macro default__cdp_explode_json_array(relation, array_column, element_name, index_name) -%}
    select
        src.*,
        elements.{{ element_name }},
        elements.{{ index_name }}
    from {{ relation }} as src
    cross join json_table(
        src.{{ array_column }}, '$[*]'
        columns ({{ index_name }} for ordinality, {{ element_name }} varchar(65535) format json path '$')
    ) as elements
{%- endmacro %}

{% macro duckdb__cdp_explode_json_array(relation, array_column, element_name, index_name) -%}
    select
        src.*,
        cast(unnest(json_extract(src.{{ array_column }}, '$[*]')) as varchar) as {{ element_name }},
        generate_subscripts(json_extract(src.{{ array_column }}, '$[*]'), 1) as {{ index_name }}
    from {{ relation }} as src
{%- endmacro %}

{#
    Spark: from_json(..., 'array<string>') gives objects and arrays as JSON text but strings
    unquoted and JSON null as NULL, so the string "{\"a\":1}" would read as an object and null
    as no element. The array is also read whole as (minified) JSON text, and a walk over it
    quotes the elements that are strings there and writes null as 'null': the elements come out
    as JSON text, as on the other engines.
#}
{% macro spark__cdp_explode_json_array(relation, array_column, element_name, index_name) -%}
    {%- set element_text -%}
        case
            when element_value is null then 'null'
            when substr(parsed.minified, walk.offset, 1) = '"'
                then substr(to_json(array(element_value)), 2, length(to_json(array(element_value))) - 2)
            else element_value
        end
    {%- endset -%}
    select
        src.*,
        elements.element_json as {{ element_name }},
        elements.element_position + 1 as {{ index_name }}
    from {{ relation }} as src
    lateral view explode(array(named_struct(
        'element_values', from_json(src.{{ array_column }}, 'array<string>'),
        'minified', from_json(concat('{"a":', src.{{ array_column }}, '}'), 'struct<a:string>').a
    ))) arrays as parsed
    lateral view posexplode(
        aggregate(
            parsed.element_values,
            named_struct('offset', 2, 'texts', cast(array() as array<string>)),
            (walk, element_value) -> named_struct(
                'offset', walk.offset + 1 + length({{ element_text }}),
                'texts', concat(walk.texts, array({{ element_text }}))
            ),
            walk -> walk.texts
        )
    ) elements as element_position, element_json
{%- endmacro %}
