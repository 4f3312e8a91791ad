{#
    Compile audience conditions to portable SQL. Each leaf condition becomes a CTE of profile ids;
    all / any / not combine `profiles.profile_id in (select profile_id from <cte>)` predicates, so
    the SQL is plain joins, group by and in-subqueries on every engine. See docs/audiences.md.
#}

{% macro cdp_audience_operators() -%}
    {%- do return(['equals', 'not_equals', 'one_of', 'greater_than', 'at_least', 'less_than', 'at_most',
                   'between', 'exists', 'is_true', 'is_false']) -%}
{%- endmacro %}

{# Columns of fct_product_events_enriched a `product:` filter may test. #}
{% macro cdp_audience_product_columns() -%}
    {%- do return(['product_id', 'sku', 'product_name', 'brand', 'category_path', 'category', 'price_tier',
                   'inventory_status', 'price', 'quantity', 'currency', 'catalog_list_price', 'unit_cost',
                   'our_price', 'unit_margin', 'margin_pct', 'competitors_observed', 'competitors_in_stock',
                   'price_rank', 'price_position', 'cheapest_competitor_price',
                   'cheapest_in_stock_competitor_price', 'highest_competitor_price',
                   'price_gap_to_cheapest_in_stock', 'price_gap_to_cheapest_in_stock_pct',
                   'competitor_avg_rating', 'competitor_review_count']) -%}
{%- endmacro %}

{% macro cdp_audience_literal(source, where, value) -%}
    {%- if value is sameas true -%}{%- do return('true') -%}
    {%- elif value is sameas false -%}{%- do return('false') -%}
    {%- elif value is number -%}{%- do return(value | string) -%}
    {%- elif value is string -%}{%- do return("'" ~ value.replace("'", "''") ~ "'") -%}
    {%- else -%}
        {{ cdp_audience_fail(source, where, "expected a number, text or true/false, got '" ~ value ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#
    The one operator of a trait / property / product-column condition as SQL on expr.
    json = true: expr is JSON text, so numbers compare after cdp_to_decimal and booleans as 'true'.
#}
{% macro cdp_audience_comparison(source, where, expr, spec, json=false) -%}
    {%- set found = [] -%}
    {%- for op in cdp_audience_operators() -%}{%- if op in spec -%}{%- do found.append(op) -%}{%- endif -%}{%- endfor -%}
    {%- if found | length != 1 -%}
        {{ cdp_audience_fail(source, where, 'expected exactly one operator of '
            ~ cdp_audience_operators() | join(', ') ~ (' (found ' ~ found | join(', ') ~ ')' if found else '')) }}
    {%- endif -%}
    {%- set op = found[0] -%}
    {%- set value = spec[op] -%}
    {%- set at = where ~ '.' ~ op -%}
    {%- set numeric = value is number and value is not sameas true and value is not sameas false -%}
    {%- set number_expr = cdp_to_decimal(expr) if json else expr -%}
    {%- if op in ['is_true', 'is_false'] -%}
        {%- set wanted = 'true' if op == 'is_true' else 'false' -%}
        {%- if json -%}{%- do return('lower(' ~ expr ~ ") = '" ~ wanted ~ "'") -%}{%- endif -%}
        {%- do return(expr ~ ' = ' ~ wanted) -%}
    {%- elif op == 'exists' -%}
        {%- do return(expr ~ (' is null' if value is sameas false else ' is not null')) -%}
    {%- elif op in ['equals', 'not_equals'] -%}
        {%- set literal = cdp_audience_literal(source, at, value) -%}
        {%- if json and numeric -%}{%- set lhs = number_expr -%}
        {%- elif json and (value is sameas true or value is sameas false) -%}
            {%- set lhs = 'lower(' ~ expr ~ ')' -%}{%- set literal = "'" ~ literal ~ "'" -%}
        {%- else -%}{%- set lhs = expr -%}{%- endif -%}
        {%- if op == 'equals' -%}{%- do return(lhs ~ ' = ' ~ literal) -%}{%- endif -%}
        {%- do return('(' ~ lhs ~ ' is null or ' ~ lhs ~ ' <> ' ~ literal ~ ')') -%}
    {%- elif op == 'one_of' -%}
        {%- if value is string or value is not iterable or value is mapping or value | length == 0 -%}
            {{ cdp_audience_fail(source, at, 'one_of needs a non-empty list of values') }}
        {%- endif -%}
        {%- set literals = [] -%}
        {%- set all_numbers = namespace(value=true) -%}
        {%- for item in value -%}
            {%- do literals.append(cdp_audience_literal(source, at, item)) -%}
            {%- if item is not number or item is sameas true or item is sameas false -%}
                {%- set all_numbers.value = false -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set lhs = number_expr if (json and all_numbers.value) else expr -%}
        {%- do return(lhs ~ ' in (' ~ literals | join(', ') ~ ')') -%}
    {%- elif op == 'between' -%}
        {%- if value is string or value is not iterable or value is mapping or value | length != 2
            or value[0] is not number or value[1] is not number -%}
            {{ cdp_audience_fail(source, at, 'between needs a list of two numbers, e.g. [10, 20]') }}
        {%- endif -%}
        {%- do return(number_expr ~ ' between ' ~ value[0] ~ ' and ' ~ value[1]) -%}
    {%- else -%}
        {%- if not numeric -%}
            {{ cdp_audience_fail(source, at, op ~ " needs a number, got '" ~ value ~ "'") }}
        {%- endif -%}
        {%- set symbol = {'greater_than': '>', 'at_least': '>=', 'less_than': '<', 'at_most': '<='}[op] -%}
        {%- do return(number_expr ~ ' ' ~ symbol ~ ' ' ~ value) -%}
    {%- endif -%}
{%- endmacro %}

{% macro cdp_audience_check_keys(source, where, spec, allowed) -%}
    {%- for key in spec -%}
        {%- if key not in allowed -%}
            {{ cdp_audience_fail(source, where ~ '.' ~ key,
                "unknown key '" ~ key ~ "' (expected " ~ allowed | join(', ') ~ ')') }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro cdp_audience_check_event(source, where, name) -%}
    {%- set known = cdp_known_event_names() -%}
    {%- if name is not string or name not in known -%}
        {{ cdp_audience_fail(source, where, "unknown event name '" ~ name ~ "' (use a canonical ecommerce v2 name such as "
            ~ "'Product Viewed', 'Product Added', 'Order Completed', or list your own track names in the var "
            ~ 'cdp__custom_event_names)') }}
    {%- endif -%}
{%- endmacro %}

{% macro cdp_audience_list(source, where, value) -%}
    {%- if value is none -%}{%- do return([]) -%}{%- endif -%}
    {%- if value is mapping -%}{%- do return([value]) -%}{%- endif -%}
    {%- if value is string or value is not iterable -%}
        {{ cdp_audience_fail(source, where, 'expected a list of conditions') }}
    {%- endif -%}
    {%- do return(value | list) -%}
{%- endmacro %}

{# Filters of one event spec (event name, window, property and product conditions) as a where clause. #}
{% macro cdp_audience_event_filters(source, ctx, where, spec, window_key='within') -%}
    {%- do cdp_audience_check_event(source, where ~ '.event', spec.get('event')) -%}
    {%- set filters = [cdp_event_name_predicate([spec.get('event')], 'events')] -%}
    {%- if spec.get(window_key) is not none -%}
        {%- set window = cdp_audience_window(source, where ~ '.' ~ window_key, spec.get(window_key)) -%}
        {%- do filters.append(cdp_in_window('events.event_at', window)) -%}
    {%- endif -%}
    {%- set properties = cdp_audience_list(source, where ~ '.where', spec.get('where')) -%}
    {%- for item in properties -%}
        {%- set at = where ~ '.where[' ~ loop.index0 ~ ']' -%}
        {%- if item is not mapping or item.get('property') is not string
            or not modules.re.match('^[A-Za-z_][A-Za-z0-9_.]*$', item.get('property')) -%}
            {{ cdp_audience_fail(source, at, "a property condition needs property: <name or a.b path> and one operator") }}
        {%- endif -%}
        {%- do cdp_audience_check_keys(source, at, item, ['property'] + cdp_audience_operators()) -%}
        {%- do filters.append(cdp_audience_comparison(
            source, at, cdp_json_extract_string('events.properties', '$.' ~ item.property), item, json=true)) -%}
    {%- endfor -%}
    {%- set products = cdp_audience_list(source, where ~ '.product', spec.get('product')) -%}
    {%- if products -%}
        {%- set product_filters = [] -%}
        {%- for item in products -%}
            {%- set at = where ~ '.product[' ~ loop.index0 ~ ']' -%}
            {%- if item is not mapping or item.get('column') not in cdp_audience_product_columns() -%}
                {{ cdp_audience_fail(source, at, "a product condition needs column: one of "
                    ~ cdp_audience_product_columns() | join(', ') ~ ' (got ' ~ (item.get('column') if item is mapping else item) ~ ')') }}
            {%- endif -%}
            {%- do cdp_audience_check_keys(source, at, item, ['column'] + cdp_audience_operators()) -%}
            {%- do product_filters.append(
                cdp_audience_comparison(source, at, 'product_lines.' ~ item.column, item)) -%}
        {%- endfor -%}
        {%- do ctx.uses.update({'product_lines': true}) -%}
        {%- do filters.append('events.event_id in (select product_lines.event_id from product_lines where '
            ~ product_filters | join(' and ') ~ ')') -%}
    {%- endif -%}
    {%- do ctx.uses.update({'events': true}) -%}
    {%- do return(filters | join('\n            and ')) -%}
{%- endmacro %}

{% macro cdp_audience_new_cte(ctx, audience_key, sql) -%}
    {%- do ctx.update({'n': ctx.n + 1}) -%}
    {%- set name = 'aud_' ~ audience_key ~ '__c' ~ ctx.n -%}
    {%- do ctx.ctes.append({'name': name, 'sql': sql}) -%}
    {%- do return(name) -%}
{%- endmacro %}

{% macro cdp_audience_in(cte) -%}
    {%- do return('profiles.profile_id in (select ' ~ cte ~ '.profile_id from ' ~ cte ~ ')') -%}
{%- endmacro %}

{# A condition as a predicate on profiles.profile_id; leaf conditions add CTEs to ctx. #}
{% macro cdp_audience_condition(source, ctx, audience_key, condition, where) -%}
    {%- set kinds = ['all', 'any', 'not', 'trait', 'event', 'funnel', 'competitor', 'audience'] -%}
    {%- if condition is not mapping -%}
        {{ cdp_audience_fail(source, where, "expected a condition (a mapping with one of "
            ~ kinds | join(', ') ~ "), got '" ~ condition ~ "'") }}
    {%- endif -%}
    {%- set found = [] -%}
    {%- for kind in kinds -%}{%- if kind in condition -%}{%- do found.append(kind) -%}{%- endif -%}{%- endfor -%}
    {%- if found | length != 1 -%}
        {{ cdp_audience_fail(source, where, "unknown condition kind "
            ~ ("'" ~ (condition.keys() | list | join(', ')) ~ "'" if not found else '(several kinds: ' ~ found | join(', ') ~ ')')
            ~ ' (expected exactly one of ' ~ kinds | join(', ') ~ ')') }}
    {%- endif -%}
    {%- set kind = found[0] -%}

    {%- if kind in ['all', 'any'] -%}
        {%- do cdp_audience_check_keys(source, where, condition, [kind]) -%}
        {%- set children = cdp_audience_list(source, where ~ '.' ~ kind, condition[kind]) -%}
        {%- if not children -%}{{ cdp_audience_fail(source, where ~ '.' ~ kind, 'needs at least one condition') }}{%- endif -%}
        {%- set parts = [] -%}
        {%- for child in children -%}
            {%- do parts.append(cdp_audience_condition(
                source, ctx, audience_key, child, where ~ '.' ~ kind ~ '[' ~ loop.index0 ~ ']')) -%}
        {%- endfor -%}
        {%- do return('(' ~ parts | join(' and ' if kind == 'all' else ' or ') ~ ')') -%}

    {%- elif kind == 'not' -%}
        {%- do cdp_audience_check_keys(source, where, condition, ['not']) -%}
        {%- do return('not (' ~ cdp_audience_condition(source, ctx, audience_key, condition['not'], where ~ '.not') ~ ')') -%}

    {%- elif kind == 'audience' -%}
        {%- do cdp_audience_check_keys(source, where, condition, ['audience', 'member']) -%}
        {%- set predicate = cdp_audience_in('aud_' ~ condition.audience) -%}
        {%- if condition.get('member', true) is sameas false -%}{%- do return('not (' ~ predicate ~ ')') -%}{%- endif -%}
        {%- do return(predicate) -%}

    {%- elif kind == 'trait' -%}
        {%- do cdp_audience_check_keys(source, where, condition, ['trait'] + cdp_audience_operators()) -%}
        {%- set traits = cdp_audience_trait_columns() -%}
        {#- unit tests see no graph: a name outside the agreed customer_traits columns is a computed trait -#}
        {%- if not (graph.get('nodes') or {}) and condition.trait not in traits -%}
            {%- do traits.update({condition.trait: 'customer_computed_traits'}) -%}
        {%- endif -%}
        {%- if condition.trait not in traits -%}
            {{ cdp_audience_fail(source, where ~ '.trait', "unknown trait '" ~ condition.trait
                ~ "' (not a column of customer_traits nor a computed trait key; known: "
                ~ traits.keys() | list | sort | join(', ') ~ ')') }}
        {%- endif -%}
        {%- set relation = 'traits' if traits[condition.trait] == 'customer_traits' else 'computed_traits' -%}
        {%- do ctx.uses.update({relation: true}) -%}
        {%- set comparison = cdp_audience_comparison(source, where, relation ~ '.' ~ condition.trait, condition) -%}
        {%- set cte = cdp_audience_new_cte(ctx, audience_key,
            'select ' ~ relation ~ '.profile_id from ' ~ relation ~ '\n        where ' ~ comparison) -%}
        {%- do return(cdp_audience_in(cte)) -%}

    {%- elif kind == 'event' -%}
        {%- do cdp_audience_check_keys(source, where, condition,
            ['event', 'within', 'at_least', 'at_most', 'where', 'product', 'not_followed_by']) -%}
        {%- set at_least = condition.get('at_least', 1) -%}
        {%- set at_most = condition.get('at_most') -%}
        {%- if at_least is not number or at_least < 0 or (at_most is not none and (at_most is not number or at_most < at_least)) -%}
            {{ cdp_audience_fail(source, where, 'at_least and at_most must be whole numbers with 0 <= at_least <= at_most') }}
        {%- endif -%}
        {%- set filters = cdp_audience_event_filters(source, ctx, where, condition) -%}
        {%- set having = [] -%}
        {%- if at_least > 0 -%}{%- do having.append('count(*) >= ' ~ at_least) -%}{%- endif -%}
        {%- if at_most is not none and at_least > 0 -%}{%- do having.append('count(*) <= ' ~ at_most) -%}{%- endif -%}
        {%- set followed = condition.get('not_followed_by') -%}
        {%- if followed is not none -%}
            {%- set at = where ~ '.not_followed_by' -%}
            {%- if followed is not mapping -%}{{ cdp_audience_fail(source, at, 'expected {event: ..., where: ...}') }}{%- endif -%}
            {%- if at_least == 0 -%}{{ cdp_audience_fail(source, where, 'not_followed_by needs at_least >= 1') }}{%- endif -%}
            {%- do cdp_audience_check_keys(source, at, followed, ['event', 'where', 'product']) -%}
            {%- set later_filters = cdp_audience_event_filters(source, ctx, at, followed) -%}
            {%- set done = cdp_audience_new_cte(ctx, audience_key,
                'select\n            events.profile_id,\n            max(events.event_at) as last_done_at\n'
                ~ '        from events\n        where\n            ' ~ filters
                ~ '\n        group by events.profile_id\n        having ' ~ having | join(' and ')) -%}
            {%- set later = cdp_audience_new_cte(ctx, audience_key,
                'select\n            events.profile_id,\n            max(events.event_at) as last_later_at\n'
                ~ '        from events\n        where\n            ' ~ later_filters
                ~ '\n        group by events.profile_id') -%}
            {%- set cte = cdp_audience_new_cte(ctx, audience_key,
                'select ' ~ done ~ '.profile_id\n        from ' ~ done ~ '\n        left join ' ~ later
                ~ '\n            on ' ~ done ~ '.profile_id = ' ~ later ~ '.profile_id\n        where '
                ~ later ~ '.last_later_at is null or ' ~ later ~ '.last_later_at <= ' ~ done ~ '.last_done_at') -%}
            {%- do return(cdp_audience_in(cte)) -%}
        {%- endif -%}
        {%- if at_least == 0 and at_most is none -%}{%- do return('1 = 1') -%}{%- endif -%}
        {%- if at_least == 0 -%}
            {%- set cte = cdp_audience_new_cte(ctx, audience_key,
                'select events.profile_id\n        from events\n        where\n            ' ~ filters
                ~ '\n        group by events.profile_id\n        having count(*) > ' ~ at_most) -%}
            {%- do return('not (' ~ cdp_audience_in(cte) ~ ')') -%}
        {%- endif -%}
        {%- set cte = cdp_audience_new_cte(ctx, audience_key,
            'select events.profile_id\n        from events\n        where\n            ' ~ filters
            ~ '\n        group by events.profile_id\n        having ' ~ having | join(' and ')) -%}
        {%- do return(cdp_audience_in(cte)) -%}

    {%- elif kind == 'funnel' -%}
        {%- do cdp_audience_check_keys(source, where, condition, ['funnel', 'within', 'completed_within']) -%}
        {%- set steps = cdp_audience_list(source, where ~ '.funnel', condition.funnel) -%}
        {%- if steps | length < 2 -%}{{ cdp_audience_fail(source, where ~ '.funnel', 'a funnel needs at least two steps') }}{%- endif -%}
        {%- set completed = none -%}
        {%- if condition.get('completed_within') is not none -%}
            {%- set completed = cdp_audience_window(source, where ~ '.completed_within', condition.completed_within) -%}
        {%- endif -%}
        {%- set previous = namespace(cte=none) -%}
        {%- for step in steps -%}
            {%- set at = where ~ '.funnel[' ~ loop.index0 ~ ']' -%}
            {%- if step is not mapping -%}{{ cdp_audience_fail(source, at, 'a funnel step is {event: ..., where: ...}') }}{%- endif -%}
            {%- do cdp_audience_check_keys(source, at, step, ['event', 'where', 'product']) -%}
            {%- set spec = dict(step) -%}
            {%- do spec.update({'within': condition.get('within')}) -%}
            {%- set filters = cdp_audience_event_filters(source, ctx, at, spec) -%}
            {%- if previous.cte is none and completed is none -%}
                {#- without a time limit the earliest start leaves the most room: one start per profile -#}
                {%- set previous.cte = cdp_audience_new_cte(ctx, audience_key,
                    'select\n            events.profile_id,\n            min(events.event_at) as started_at,\n'
                    ~ '            min(events.event_at) as reached_at\n        from events\n        where\n            '
                    ~ filters ~ '\n        group by events.profile_id') -%}
            {%- elif previous.cte is none -%}
                {%- set previous.cte = cdp_audience_new_cte(ctx, audience_key,
                    'select\n            events.profile_id,\n            events.event_at as started_at,\n'
                    ~ '            events.event_at as reached_at\n        from events\n        where\n            ' ~ filters) -%}
            {%- else -%}
                {%- set limit = '' -%}
                {%- if completed is not none -%}
                    {%- set limit = '\n            and events.event_at <= '
                        ~ dbt.dateadd(completed.datepart, completed.amount, previous.cte ~ '.started_at') | trim -%}
                {%- endif -%}
                {%- set previous.cte = cdp_audience_new_cte(ctx, audience_key,
                    'select\n            ' ~ previous.cte ~ '.profile_id,\n            ' ~ previous.cte ~ '.started_at,\n'
                    ~ '            min(events.event_at) as reached_at\n        from ' ~ previous.cte
                    ~ '\n        inner join events\n            on ' ~ previous.cte ~ '.profile_id = events.profile_id'
                    ~ '\n        where\n            events.event_at > ' ~ previous.cte ~ '.reached_at' ~ limit
                    ~ '\n            and ' ~ filters
                    ~ '\n        group by ' ~ previous.cte ~ '.profile_id, ' ~ previous.cte ~ '.started_at') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do return(cdp_audience_in(previous.cte)) -%}

    {%- elif kind == 'competitor' -%}
        {%- do cdp_audience_check_keys(source, where, condition, ['competitor', 'competitors', 'events', 'within']) -%}
        {%- set scope = condition.get('competitors', 'any') -%}
        {%- set flags = {
            'cheaper': {'any': 'has_cheaper_competitor', 'all': 'is_cheaper_at_all_competitors'},
            'discounted': {'any': 'has_discounting_competitor', 'all': 'is_discounted_at_all_competitors'},
            'out_of_stock': {'any': 'is_out_of_stock_at_any_competitor', 'all': 'is_out_of_stock_at_all_competitors'},
            'we_are_cheapest': {'any': 'is_cheapest', 'all': 'is_cheapest'},
        } -%}
        {%- if condition.competitor not in flags -%}
            {{ cdp_audience_fail(source, where ~ '.competitor', "unknown competitive state '" ~ condition.competitor
                ~ "' (expected " ~ flags.keys() | list | join(', ') ~ ')') }}
        {%- endif -%}
        {%- if scope not in ['any', 'all'] -%}
            {{ cdp_audience_fail(source, where ~ '.competitors', "expected any or all, got '" ~ scope ~ "'") }}
        {%- endif -%}
        {%- set names = condition.get('events', ['Product Viewed']) -%}
        {%- if names is string -%}{%- set names = [names] -%}{%- endif -%}
        {%- for name in names -%}
            {%- do cdp_audience_check_event(source, where ~ '.events[' ~ loop.index0 ~ ']', name) -%}
        {%- endfor -%}
        {%- set window_filter = '' -%}
        {%- if condition.get('within') is not none -%}
            {%- set window = cdp_audience_window(source, where ~ '.within', condition.within) -%}
            {%- set window_filter = '\n            and ' ~ cdp_in_window('events.event_at', window) -%}
        {%- endif -%}
        {%- do ctx.uses.update({'events': true, 'product_lines': true, 'competitor_state': true}) -%}
        {%- set cte = cdp_audience_new_cte(ctx, audience_key,
            'select distinct events.profile_id\n        from events\n        inner join product_lines'
            ~ '\n            on events.event_id = product_lines.event_id\n        inner join competitor_state'
            ~ '\n            on product_lines.product_id = competitor_state.product_id\n        where\n'
            ~ '            ' ~ cdp_event_name_predicate(names, 'events') ~ window_filter
            ~ '\n            and competitor_state.' ~ flags[condition.competitor][scope]) -%}
        {%- do return(cdp_audience_in(cte)) -%}
    {%- endif -%}
{%- endmacro %}

{# One-line, human-readable summary of a condition (dim_audiences.condition_summary). #}
{% macro cdp_audience_summary(condition) -%}
    {%- if condition is not mapping -%}{%- do return(condition | string) -%}{%- endif -%}
    {%- if 'all' in condition or 'any' in condition -%}
        {%- set kind = 'all' if 'all' in condition else 'any' -%}
        {%- set parts = [] -%}
        {%- for child in condition[kind] -%}{%- do parts.append(cdp_audience_summary(child)) -%}{%- endfor -%}
        {%- do return('(' ~ parts | join(' and ' if kind == 'all' else ' or ') ~ ')') -%}
    {%- elif 'not' in condition -%}
        {%- do return('not ' ~ cdp_audience_summary(condition['not'])) -%}
    {%- endif -%}
    {%- set words = [] -%}
    {%- for key, value in condition.items() -%}
        {%- if value is mapping -%}{%- do words.append(key ~ ' ' ~ cdp_audience_summary(value)) -%}
        {%- elif value is string or value is not iterable -%}{%- do words.append(key ~ ' ' ~ value) -%}
        {%- else -%}
            {%- set items = [] -%}
            {%- for item in value -%}{%- do items.append(cdp_audience_summary(item)) -%}{%- endfor -%}
            {%- do words.append(key ~ ' [' ~ items | join(', ') ~ ']') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(words | join(' ')) -%}
{%- endmacro %}

{#
    The body of int_audiences__members: import CTEs for what the definitions use, the CTEs of every
    audience in dependency order, and one select per audience unioned.
#}
{% macro cdp_audience_members_sql() -%}
    {%- if not execute -%}
        {#- parse time: no graph, so no definitions; a typed stub with the final columns -#}
        {%- do return('members as (\n    select\n        cast(null as ' ~ dbt.type_string() ~ ') as audience_key,\n'
            ~ '        cast(null as ' ~ dbt.type_string() ~ ') as profile_id\n)') -%}
    {%- endif -%}
    {%- set source = cdp_audience_source() -%}
    {%- set plan = cdp_audience_order(source) -%}
    {%- set ctx = {'n': 0, 'ctes': [], 'uses': {}, 'as_of': cdp_as_of()} -%}
    {%- set finals = [] -%}
    {%- for key in plan.order -%}
        {%- do ctx.update({'n': 0}) -%}
        {%- set predicate = cdp_audience_condition(
            source, ctx, key, source.audiences[key].condition, 'audiences.' ~ key ~ '.condition') -%}
        {%- do ctx.ctes.append({'name': 'aud_' ~ key,
            'sql': 'select profiles.profile_id\n        from profiles\n        where ' ~ predicate}) -%}
        {%- do finals.append(key) -%}
    {%- endfor -%}
    {%- set imports = [{'name': 'profiles', 'sql': 'select profile_id from ' ~ ref('dim_profiles')}] -%}
    {%- if ctx.uses.get('events') -%}
        {%- do imports.append({'name': 'events', 'sql':
            'select\n            profile_id,\n            event_id,\n            message_type,\n            event_name,\n            event_at,\n'
            ~ '            properties\n        from ' ~ ref('fct_events')
            ~ '\n        where profile_id is not null and ' ~ cdp_before_as_of('event_at')}) -%}
    {%- endif -%}
    {%- if ctx.uses.get('product_lines') -%}
        {%- do imports.append({'name': 'product_lines', 'sql': 'select * from ' ~ ref('fct_product_events_enriched')}) -%}
    {%- endif -%}
    {%- if ctx.uses.get('competitor_state') -%}
        {%- do imports.append({'name': 'competitor_state',
            'sql': 'select * from ' ~ ref('int_audiences__product_competitor_state')}) -%}
    {%- endif -%}
    {%- if ctx.uses.get('traits') -%}
        {%- do imports.append({'name': 'traits', 'sql': 'select * from ' ~ ref('customer_traits')}) -%}
    {%- endif -%}
    {%- if ctx.uses.get('computed_traits') -%}
        {%- do imports.append({'name': 'computed_traits', 'sql': 'select * from ' ~ ref('customer_computed_traits')}) -%}
    {%- endif -%}
    {%- set members = [] -%}
    {%- for key in finals -%}
        {%- do members.append("select\n            '" ~ key ~ "' as audience_key,\n            aud_" ~ key
            ~ '.profile_id\n        from aud_' ~ key) -%}
    {%- endfor -%}
    {%- if not members -%}
        {%- do members.append('select\n            cast(null as ' ~ dbt.type_string() ~ ') as audience_key,\n'
            ~ '            profiles.profile_id\n        from profiles\n        where 1 = 0') -%}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for cte in imports + ctx.ctes -%}
        {%- do parts.append('    ' ~ cte.name ~ ' as (\n        ' ~ cte.sql ~ '\n    )') -%}
    {%- endfor -%}
    {%- do parts.append('    members as (\n        ' ~ members | join('\n        union all\n        ') ~ '\n    )') -%}
    {#- CTE names start in column 0 like hand-written models (sqlfluff checks the generated SQL) -#}
    {%- do return((parts | join(',\n\n')).replace('\n    ', '\n')[4:]) -%}
{%- endmacro %}
