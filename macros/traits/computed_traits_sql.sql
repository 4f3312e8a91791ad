{#
    SQL for computed traits (docs/computed_traits.md), from the validated definitions of
    cdp_computed_traits(). One scan of fct_events, filtered to the events any trait needs and to
    event_at < cdp_as_of(); per-trait flags and values are columns of that one pass, counters and
    aggregations are one group by, and value traits (most_frequent, first, last, unique lists)
    are unpivoted into one long table and grouped once.
#}

{# A Python value as an SQL literal. #}
{% macro _cdp_ct_literal(value) -%}
    {%- if value is boolean -%}{{ 'true' if value else 'false' }}
    {%- elif value is number -%}{{ value }}
    {%- else -%}'{{ (value ~ '') | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}

{# Text of a property reference for one event row, NULL when absent, JSON null or empty. #}
{% macro _cdp_ct_property_text(property, relation='events') -%}
    nullif({{ cdp_json_extract_string(relation ~ '.' ~ property['column'], property['path']) }}, '')
{%- endmacro %}

{# Boolean SQL for one property condition (semantics in docs/computed_traits.md). #}
{% macro _cdp_ct_condition_predicate(condition, relation='events') -%}
    {%- set text = _cdp_ct_property_text(condition['property'], relation) -%}
    {%- set number = cdp_to_decimal(text) -%}
    {%- set operator = condition['operator'] -%}
    {%- set value = condition['value'] -%}
    {%- if operator in ['equals', 'not_equals', 'one_of', 'not_one_of'] -%}
        {%- set values = value if operator in ['one_of', 'not_one_of'] else [value] -%}
        {%- set tests = [] -%}
        {%- for item in values -%}
            {%- if item is boolean -%}
                {%- do tests.append('lower(' ~ text ~ ') = ' ~ _cdp_ct_literal((item ~ '') | lower)) -%}
            {%- elif item is number -%}
                {%- do tests.append(number ~ ' = ' ~ item) -%}
            {%- else -%}
                {%- do tests.append(text ~ ' = ' ~ _cdp_ct_literal(item)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set any_test = '(' ~ tests | join(' or ') ~ ')' -%}
        {%- if operator.startswith('not_') -%}not coalesce({{ any_test }}, false){%- else -%}coalesce({{ any_test }}, false){%- endif -%}
    {%- elif operator in ['contains', 'not_contains'] -%}
        {%- set test = dbt.position(_cdp_ct_literal(value ~ ''), text) ~ ' > 0' -%}
        {%- if operator == 'not_contains' -%}not coalesce({{ test }}, false){%- else -%}coalesce({{ test }}, false){%- endif -%}
    {%- elif operator == 'starts_with' -%}
        coalesce(substring({{ text }}, 1, {{ (value ~ '') | length }}) = {{ _cdp_ct_literal(value ~ '') }}, false)
    {%- elif operator == 'ends_with' -%}
        coalesce({{ dbt.right(text, (value ~ '') | length) }} = {{ _cdp_ct_literal(value ~ '') }}, false)
    {%- elif operator == 'exists' -%}
        ({{ text }} is not null)
    {%- elif operator == 'not_exists' -%}
        ({{ text }} is null)
    {%- elif operator in ['greater_than', 'greater_than_or_equal', 'less_than', 'less_than_or_equal'] -%}
        {%- set symbol = {'greater_than': '>', 'greater_than_or_equal': '>=', 'less_than': '<',
                          'less_than_or_equal': '<='}[operator] -%}
        coalesce({{ number }} {{ symbol }} {{ value }}, false)
    {%- elif operator in ['before', 'after'] -%}
        coalesce({{ cdp_parse_timestamp(text) }} {{ '<' if operator == 'before' else '>' }}
            {{ dbt.cast(_cdp_ct_literal((value ~ '') | replace('T', ' ')), dbt.type_timestamp()) }}, false)
    {%- endif -%}
{%- endmacro %}

{# Boolean SQL: the event counts for the trait (event, window, conditions), before unique_by. #}
{% macro _cdp_ct_match_predicate(trait, relation='events') -%}
    {%- set parts = [cdp_event_name_predicate(trait['events'], relation)] -%}
    {%- if trait['window'] -%}
        {%- do parts.append(cdp_in_window(relation ~ '.event_at', trait['window'])) -%}
    {%- endif -%}
    {%- for condition in trait['conditions'] -%}
        {%- do parts.append(_cdp_ct_condition_predicate(condition, relation)) -%}
    {%- endfor -%}
    {{ parts | join('\n                and ') }}
{%- endmacro %}

{# A JSON string literal of a text expression ("a\"b"), for unique_list's JSON array text. #}
{% macro cdp_json_quote(expr) -%}
    {{ return(adapter.dispatch('cdp_json_quote', 'cdp')(expr)) }}
{%- endmacro %}

{# Standard SQL string literals keep backslashes as they are. #}
{% macro default__cdp_json_quote(expr) -%}
    {{ dbt.concat(["'\"'", "replace(replace(" ~ expr ~ ", '\\', '\\\\'), '\"', '\\\"')", "'\"'"]) }}
{%- endmacro %}

{% macro duckdb__cdp_json_quote(expr) -%}
    cast(to_json(cast({{ expr }} as varchar)) as varchar)
{%- endmacro %}

{% macro spark__cdp_json_quote(expr) -%}
    regexp_extract(to_json(named_struct('v', {{ expr }})), '^\\{"v":(.*)\\}$', 1)
{%- endmacro %}

{#
    Aggregate: the distinct values of `value_expr` on rows where `condition` holds, as JSON array
    text in alphabetical order (case-insensitive, then exact); NULL when there are none. Rows are
    expected to be distinct already (value_counts).
#}
{% macro cdp_json_array_agg(value_expr, condition) -%}
    {{ return(adapter.dispatch('cdp_json_array_agg', 'cdp')(value_expr, condition)) }}
{%- endmacro %}

{% macro default__cdp_json_array_agg(value_expr, condition) -%}
    case
            when sum(case when {{ condition }} then 1 else 0 end) > 0
                then {{ dbt.concat(["'['", dbt.listagg(
                    "case when " ~ condition ~ " then " ~ cdp_json_quote(value_expr) ~ " end",
                    "','",
                    "order by lower(" ~ value_expr ~ "), " ~ value_expr), "']'"]) }}
        end
{%- endmacro %}

{# dbt-spark's listagg ignores its order_by_clause: sort the collected (key, value) structs instead. #}
{% macro spark__cdp_json_array_agg(value_expr, condition) -%}
    case
            when sum(case when {{ condition }} then 1 else 0 end) > 0
                then concat('[', array_join(transform(array_sort(collect_list(
                    case when {{ condition }} then named_struct('sort_key', lower({{ value_expr }}), 'value', {{ value_expr }}) end
                )), element -> {{ cdp_json_quote('element.value') }}), ','), ']')
        end
{%- endmacro %}

{# Kinds computed from the long table of values rather than the per-profile group by. #}
{% macro _cdp_ct_value_kinds() -%}
    {%- do return(['most_frequent', 'first', 'last', 'unique_list', 'unique_list_count']) -%}
{%- endmacro %}

{# SQL type of a trait's column. #}
{% macro cdp_computed_trait_type(trait) -%}
    {%- if trait['kind'] in ['event_counter', 'unique_list_count'] -%}{{ dbt.type_bigint() }}
    {%- elif trait['kind'] == 'aggregation' -%}decimal(18, 4)
    {%- else -%}{{ dbt.type_string() }}
    {%- endif -%}
{%- endmacro %}

{#
    The model's CTEs after the import CTEs `events` (fct_events, any columns) and `profiles`
    (dim_profiles), ending in `final`: one row per profile, profile_id and one column per trait.
#}
{% macro cdp_computed_traits_sql(traits) -%}
    {%- set value_kinds = _cdp_ct_value_kinds() -%}
    {%- set event_traits = traits | rejectattr('kind', 'in', value_kinds) | list -%}
    {%- set value_traits = traits | selectattr('kind', 'in', value_kinds) | list -%}
    {%- set all_events = [] -%}
    {%- for trait in traits -%}{%- do all_events.extend(trait['events']) -%}{%- endfor -%}

events_in_scope as (
    -- the one scan: events any trait needs, up to the as-of time
    select
        events.event_id,
        events.profile_id,
        events.event_name,
        events.message_type,
        events.event_at,
        events.properties,
        events.context,
        events.traits
    from events
    where
        events.profile_id is not null
        and {{ cdp_before_as_of('events.event_at') }}
        {%- if all_events %}
        and {{ cdp_event_name_predicate(all_events) }}
        {%- else %}
        and 1 = 0
        {%- endif %}
),

trait_inputs as (
    -- per trait: does the event count (event, window, conditions), its value and its unique_by key
    select
        events.event_id,
        events.profile_id,
        events.event_at
        {%- for trait in traits %},
        case
            when {{ _cdp_ct_match_predicate(trait) }}
                then 1
            else 0
        end as {{ trait['key'] }}__is_match
        {#- values and keys are read (JSON) only on the events the trait matches -#}
        {%- if trait['property'] %},
        case
            when {{ cdp_event_name_predicate(trait['events'], 'events') }}
                then
                {%- if trait['kind'] == 'aggregation' %}
                    {{ cdp_to_decimal(_cdp_ct_property_text(trait['property'])) }}
                {%- else %}
                    {{ _cdp_ct_property_text(trait['property']) }}
                {%- endif %}
        end as {{ trait['key'] }}__value
        {%- endif %}
        {%- if trait['unique_by'] %},
        case
            when {{ cdp_event_name_predicate(trait['events'], 'events') }}
                then {{ _cdp_ct_property_text(trait['unique_by']) }}
        end as {{ trait['key'] }}__unique_key
        {%- endif %}
        {%- endfor %}
    from events_in_scope as events
),

trait_inputs_counted as (
    -- unique_by: of the matching events sharing a key, only the first (event_at, event_id) counts
    select
        trait_inputs.event_id,
        trait_inputs.profile_id,
        trait_inputs.event_at
        {%- for trait in traits %}
        {%- if trait['unique_by'] %},
        case
            when trait_inputs.{{ trait['key'] }}__is_match = 1
                and (
                    trait_inputs.{{ trait['key'] }}__unique_key is null
                    or row_number() over (
                        partition by
                            trait_inputs.profile_id,
                            trait_inputs.{{ trait['key'] }}__is_match,
                            trait_inputs.{{ trait['key'] }}__unique_key
                        order by trait_inputs.event_at, trait_inputs.event_id
                    ) = 1
                )
                then 1
            else 0
        end as {{ trait['key'] }}__is_counted
        {%- else %},
        trait_inputs.{{ trait['key'] }}__is_match as {{ trait['key'] }}__is_counted
        {%- endif %}
        {%- if trait['property'] %},
        trait_inputs.{{ trait['key'] }}__value
        {%- endif %}
        {%- endfor %}
    from trait_inputs
),

event_aggregates as (
    -- counters and aggregations: one group by over the scan
    select
        trait_inputs_counted.profile_id
        {%- for trait in event_traits %},
        {%- if trait['kind'] == 'event_counter' %}
        sum(trait_inputs_counted.{{ trait['key'] }}__is_counted) as {{ trait['key'] }}
        {%- else %}
        {{ trait['function'] }}(
            case
                when trait_inputs_counted.{{ trait['key'] }}__is_counted = 1
                    then trait_inputs_counted.{{ trait['key'] }}__value
            end
        ) as {{ trait['key'] }}
        {%- endif %}
        {%- endfor %}
    from trait_inputs_counted
    group by trait_inputs_counted.profile_id
),
{%- if value_traits %}

value_trait_keys as (
    {%- for trait in value_traits %}
    select '{{ trait['key'] }}' as trait_key{{ '\n    union all' if not loop.last }}
    {%- endfor %}
),

trait_values as (
    -- value traits unpivoted: one row per event and value trait it gives a value to
    select
        trait_inputs_counted.profile_id,
        trait_inputs_counted.event_id,
        trait_inputs_counted.event_at,
        value_trait_keys.trait_key,
        case value_trait_keys.trait_key
            {%- for trait in value_traits %}
            when '{{ trait['key'] }}'
                then
                    case
                        when trait_inputs_counted.{{ trait['key'] }}__is_counted = 1
                            then trait_inputs_counted.{{ trait['key'] }}__value
                    end
            {%- endfor %}
        end as trait_value
    from trait_inputs_counted
    cross join value_trait_keys
),

trait_values_ranked as (
    -- first and last: by event_at, then event_id
    select
        trait_values.profile_id,
        trait_values.trait_key,
        trait_values.trait_value,
        row_number() over (
            partition by trait_values.profile_id, trait_values.trait_key
            order by trait_values.event_at asc, trait_values.event_id asc
        ) as position_from_first,
        row_number() over (
            partition by trait_values.profile_id, trait_values.trait_key
            order by trait_values.event_at desc, trait_values.event_id desc
        ) as position_from_last
    from trait_values
    where trait_values.trait_value is not null
),

value_counts as (
    -- each distinct value of a value trait per profile: how often and when it was last seen
    select
        trait_values.profile_id,
        trait_values.trait_key,
        trait_values.trait_value,
        count(*) as times_seen,
        max(trait_values.event_at) as last_seen_at
    from trait_values
    where trait_values.trait_value is not null
    group by trait_values.profile_id, trait_values.trait_key, trait_values.trait_value
),

value_counts_ranked as (
    -- most_frequent: most times seen, then most recently seen, then alphabetically first
    select
        value_counts.profile_id,
        value_counts.trait_key,
        value_counts.trait_value,
        value_counts.times_seen,
        row_number() over (
            partition by value_counts.profile_id, value_counts.trait_key
            order by value_counts.times_seen desc, value_counts.last_seen_at desc, value_counts.trait_value asc
        ) as frequency_rank
    from value_counts
),

positional_traits as (
    select
        trait_values_ranked.profile_id
        {%- for trait in value_traits if trait['kind'] in ['first', 'last'] %},
        max(
            case
                when trait_values_ranked.trait_key = '{{ trait['key'] }}'
                    and trait_values_ranked.position_from_{{ trait['kind'] }} = 1
                    then trait_values_ranked.trait_value
            end
        ) as {{ trait['key'] }}
        {%- endfor %}
    from trait_values_ranked
    group by trait_values_ranked.profile_id
),

distinct_value_traits as (
    select
        value_counts_ranked.profile_id
        {%- for trait in value_traits if trait['kind'] in ['most_frequent', 'unique_list', 'unique_list_count'] %},
        {%- if trait['kind'] == 'most_frequent' %}
        max(
            case
                when value_counts_ranked.trait_key = '{{ trait['key'] }}'
                    and value_counts_ranked.frequency_rank = 1
                    and value_counts_ranked.times_seen >= 2
                    then value_counts_ranked.trait_value
            end
        ) as {{ trait['key'] }}
        {%- elif trait['kind'] == 'unique_list_count' %}
        sum(case when value_counts_ranked.trait_key = '{{ trait['key'] }}' then 1 else 0 end) as {{ trait['key'] }}
        {%- else %}
        {{ cdp_json_array_agg('value_counts_ranked.trait_value',
            "value_counts_ranked.trait_key = '" ~ trait['key'] ~ "'") }} as {{ trait['key'] }}
        {%- endif %}
        {%- endfor %}
    from value_counts_ranked
    group by value_counts_ranked.profile_id
),
{%- endif %}

final as (
    select
        profiles.profile_id
        {%- for trait in traits %},
        {%- if trait['kind'] in ['first', 'last'] %}
        {%- set source = 'positional_traits.' ~ trait['key'] -%}
        {%- elif trait['kind'] in value_kinds %}
        {%- set source = 'distinct_value_traits.' ~ trait['key'] -%}
        {%- else %}
        {%- set source = 'event_aggregates.' ~ trait['key'] -%}
        {%- endif %}
        {%- if trait['kind'] in ['event_counter', 'unique_list_count'] %}
        cast(coalesce({{ source }}, 0) as {{ cdp_computed_trait_type(trait) }}) as {{ trait['key'] }}
        {%- else %}
        cast({{ source }} as {{ cdp_computed_trait_type(trait) }}) as {{ trait['key'] }}
        {%- endif %}
        {%- endfor %}
    from profiles
    left join event_aggregates
        on profiles.profile_id = event_aggregates.profile_id
    {%- if value_traits %}
    left join positional_traits
        on profiles.profile_id = positional_traits.profile_id
    left join distinct_value_traits
        on profiles.profile_id = distinct_value_traits.profile_id
    {%- endif %}
)
{%- endmacro %}
