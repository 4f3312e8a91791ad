{#
    Computed traits declared in YAML (docs/computed_traits.md): reads and validates the
    `config: meta: computed_traits:` of the model customer_computed_traits and returns them as a
    list of normalised definitions that cdp_computed_traits_sql (computed_traits_sql.sql) turns into
    SQL. Every mistake fails the build with a message naming the file, the key and what to write.
#}

{# Kinds and the keys each one accepts (besides kind and description); `property` is required where listed. #}
{% macro cdp_computed_trait_kinds() -%}
    {%- do return({
        'event_counter': {'keys': ['event', 'conditions', 'window', 'unique_by'], 'needs_property': false},
        'aggregation': {'keys': ['event', 'property', 'function', 'conditions', 'window', 'unique_by'],
                        'needs_property': true},
        'most_frequent': {'keys': ['event', 'property', 'conditions', 'window'], 'needs_property': true},
        'first': {'keys': ['event', 'property', 'conditions', 'window'], 'needs_property': true},
        'last': {'keys': ['event', 'property', 'conditions', 'window'], 'needs_property': true},
        'unique_list': {'keys': ['event', 'property', 'conditions', 'window'], 'needs_property': true},
        'unique_list_count': {'keys': ['event', 'property', 'conditions', 'window'], 'needs_property': true},
    }) -%}
{%- endmacro %}

{# Condition operators and the value each one takes: scalar, list, text, number, timestamp or none. #}
{% macro cdp_computed_trait_operators() -%}
    {%- do return({
        'equals': 'scalar', 'not_equals': 'scalar', 'one_of': 'list', 'not_one_of': 'list',
        'contains': 'text', 'not_contains': 'text', 'starts_with': 'text', 'ends_with': 'text',
        'exists': 'none', 'not_exists': 'none',
        'greater_than': 'number', 'greater_than_or_equal': 'number',
        'less_than': 'number', 'less_than_or_equal': 'number',
        'before': 'timestamp', 'after': 'timestamp',
    }) -%}
{%- endmacro %}

{# Words that cannot be a bare column name on the engines we target. #}
{% macro cdp_computed_trait_reserved_words() -%}
    {%- do return(['all', 'and', 'any', 'array', 'as', 'asc', 'between', 'both', 'by', 'case', 'cast', 'check',
        'collate', 'column', 'constraint', 'create', 'cross', 'current_date', 'current_time', 'current_timestamp',
        'current_user', 'default', 'desc', 'distinct', 'drop', 'else', 'end', 'except', 'exists', 'false', 'fetch',
        'for', 'foreign', 'from', 'full', 'grant', 'group', 'having', 'in', 'inner', 'intersect', 'interval', 'into',
        'is', 'join', 'lateral', 'leading', 'left', 'like', 'limit', 'natural', 'not', 'null', 'offset', 'on', 'only',
        'or', 'order', 'outer', 'over', 'partition', 'primary', 'qualify', 'range', 'references', 'right', 'rows',
        'select', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'values', 'when',
        'where', 'window', 'with']) -%}
{%- endmacro %}

{% macro _cdp_ct_fail(file, key, message) -%}
    {{ exceptions.raise_compiler_error(
        "Invalid computed trait in " ~ file ~ " at `" ~ key ~ "`: " ~ message
        ~ " (see docs/computed_traits.md)"
    ) }}
{%- endmacro %}

{#
    A property reference to (column, JSONPath): `category` and `properties.category` read
    properties.$.category; `context.campaign.source` and `traits.plan` read those JSON columns;
    `$.products[0].price` is a JSONPath into properties. Returns none when it is not one of these.
#}
{% macro _cdp_ct_parse_property(reference) -%}
    {%- if reference is not string -%}{%- do return(none) -%}{%- endif -%}
    {%- set segment = '[A-Za-z_][A-Za-z0-9_]*(\\[[0-9]+\\])*' -%}
    {%- set dotted = '^' ~ segment ~ '(\\.' ~ segment ~ ')*$' -%}
    {%- set text = reference | trim -%}
    {%- if text.startswith('$.') -%}
        {%- set column, rest = 'properties', text[2:] -%}
    {%- elif text.split('.')[0] in ['properties', 'context', 'traits'] and '.' in text -%}
        {%- set column, rest = text.split('.')[0], text.split('.', 1)[1] -%}
    {%- else -%}
        {%- set column, rest = 'properties', text -%}
    {%- endif -%}
    {%- if not modules.re.match(dotted, rest) -%}{%- do return(none) -%}{%- endif -%}
    {%- do return({'column': column, 'path': '$.' ~ rest, 'reference': text}) -%}
{%- endmacro %}

{# The event-name suggestion for a misspelt or v1 name ("Completed Order" -> "Order Completed"). #}
{% macro _cdp_ct_suggest_event(name, allowed) -%}
    {%- set key = event_name_key_of(name ~ '') -%}
    {%- for candidate in allowed -%}
        {%- if event_name_key_of(candidate) == key -%}{%- do return(candidate) -%}{%- endif -%}
    {%- endfor -%}
    {%- for alias, canonical in event_name_aliases().items() -%}
        {%- if event_name_key_of(alias) == key -%}{%- do return(canonical) -%}{%- endif -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}

{% macro _cdp_ct_validate_condition(file, key, condition) -%}
    {%- set operators = cdp_computed_trait_operators() -%}
    {%- if condition is not mapping -%}
        {%- do _cdp_ct_fail(file, key, "a condition is a mapping like {property: category, operator: equals, value: Shoes}") -%}
    {%- endif -%}
    {%- for condition_key in condition -%}
        {%- if condition_key not in ['property', 'operator', 'value'] -%}
            {%- do _cdp_ct_fail(file, key ~ '.' ~ condition_key, "unknown condition key; a condition has property, operator and value") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set property = _cdp_ct_parse_property(condition.get('property')) -%}
    {%- if property is none -%}
        {%- do _cdp_ct_fail(file, key ~ '.property', "'" ~ condition.get('property') ~ "' is not a property reference;"
            ~ " write a name in properties (category), a dotted path (context.campaign.source, traits.plan)"
            ~ " or a JSONPath into properties ($.products[0].price)") -%}
    {%- endif -%}
    {%- set operator = condition.get('operator') -%}
    {%- if operator not in operators -%}
        {%- do _cdp_ct_fail(file, key ~ '.operator', "unknown operator '" ~ operator ~ "'; use one of: "
            ~ operators.keys() | list | join(', ')) -%}
    {%- endif -%}
    {%- set takes = operators[operator] -%}
    {%- set value = condition.get('value') -%}
    {%- set value_key = key ~ '.value' -%}
    {%- if takes == 'none' and 'value' in condition -%}
        {%- do _cdp_ct_fail(file, value_key, operator ~ " takes no value; remove `value`") -%}
    {%- elif takes == 'list' and (value is string or value is mapping or value is not iterable or value | length == 0
            or value | select('mapping') | list | length > 0) -%}
        {%- do _cdp_ct_fail(file, value_key, operator ~ " needs a non-empty list of values, e.g. value: [Shoes, Boots]") -%}
    {%- elif takes == 'scalar' and (value is none or value is mapping or (value is iterable and value is not string)) -%}
        {%- do _cdp_ct_fail(file, value_key, operator ~ " needs one value (text, number or true/false), e.g. value: USD") -%}
    {%- elif takes == 'text' and (value is none or value is mapping or (value is iterable and value is not string)) -%}
        {%- do _cdp_ct_fail(file, value_key, operator ~ " needs a text value, e.g. value: Electronics") -%}
    {%- elif takes == 'number' and (value is boolean or value is not number) -%}
        {%- do _cdp_ct_fail(file, value_key, operator ~ " needs a number, e.g. value: 100") -%}
    {%- elif takes == 'timestamp' and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$', value ~ '') -%}
        {%- do _cdp_ct_fail(file, value_key, operator ~ " needs a date or UTC timestamp, e.g. value: '2026-11-27' or '2026-11-27 08:00:00'") -%}
    {%- endif -%}
    {%- do return({'property': property, 'operator': operator, 'value': value}) -%}
{%- endmacro %}

{#
    The computed_traits mapping declared in the model's config.meta. A unit test compiles the model
    with a node of its own (without the model's meta), so unit tests of customer_computed_traits
    hand the same definitions over with a YAML alias:
    `overrides: {macros: {cdp_computed_traits_declared: *computed_traits}}`.
#}
{% macro cdp_computed_traits_declared() -%}
    {%- if model.resource_type == 'unit_test' -%}
        {{ exceptions.raise_compiler_error(
            "Invalid unit test " ~ model.name ~ " in " ~ model.original_file_path ~ " at `overrides.macros`:"
            ~ " a unit test of customer_computed_traits needs the model's definitions: add"
            ~ " `overrides: {macros: {cdp_computed_traits_declared: *computed_traits}}` (a YAML alias of"
            ~ " `computed_traits: &computed_traits` in the model's meta; see docs/computed_traits.md)"
        ) }}
    {%- endif -%}
    {%- do return((model.config.meta or {}).get('computed_traits')) -%}
{%- endmacro %}

{#
    The validated definitions of the model being compiled, in declaration order: a list of dicts
    (see docs/computed_traits.md).
#}
{% macro cdp_computed_traits() -%}
    {%- if not execute -%}{%- do return([]) -%}{%- endif -%}
    {%- set file = 'models/marts/traits/_traits__computed_traits.yml' -%}
    {%- if model.resource_type == 'unit_test' and model.original_file_path -%}
        {%- set file = model.original_file_path -%}
    {%- elif model.patch_path -%}
        {%- set file = model.patch_path.split('://')[-1] -%}
    {%- endif -%}
    {%- if model.resource_type != 'unit_test' -%}
        {#- a trait indented one level too little lands beside computed_traits and would vanish -#}
        {%- for meta_key in (model.config.meta or {}).keys() if meta_key != 'computed_traits' -%}
            {%- do _cdp_ct_fail(file, 'config.meta.' ~ meta_key, "unknown key beside computed_traits; a trait goes"
                ~ " under config.meta.computed_traits, indented like the shipped traits") -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set declared = cdp_computed_traits_declared() -%}
    {%- if declared is none -%}{%- set declared = {} -%}{%- endif -%}
    {%- if declared is not mapping -%}
        {%- do _cdp_ct_fail(file, 'computed_traits', "computed_traits is a mapping from trait key (the column name)"
            ~ " to its definition, e.g. orders_last_90_days: {kind: event_counter, event: Order Completed, window: 90 days}") -%}
    {%- endif -%}
    {%- set kinds = cdp_computed_trait_kinds() -%}
    {%- set functions = ['sum', 'avg', 'min', 'max'] -%}
    {%- set allowed_events = cdp_known_event_names() -%}
    {%- set reserved = cdp_computed_trait_reserved_words() -%}
    {%- set traits = [] -%}
    {%- set seen = [] -%}
    {%- for trait_key, definition in declared.items() -%}
        {%- set key = 'computed_traits.' ~ trait_key -%}
        {%- set column = trait_key ~ '' -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]*$', column) or '__' in column or column | length > 63 -%}
            {%- do _cdp_ct_fail(file, key, "'" ~ column ~ "' is not a valid column name; a trait key is lower-case"
                ~ " snake_case (letters, digits, single underscores, starting with a letter, at most 63 characters),"
                ~ " e.g. " ~ (modules.re.sub('_+', '_', modules.re.sub('[^a-z0-9]', '_', column | lower)).strip('_') or 'orders_last_90_days')) -%}
        {%- endif -%}
        {%- if column in reserved -%}
            {%- do _cdp_ct_fail(file, key, "'" ~ column ~ "' is an SQL reserved word; pick a descriptive name such as "
                ~ column ~ "_count") -%}
        {%- endif -%}
        {%- if column == 'profile_id' or column in seen -%}
            {%- do _cdp_ct_fail(file, key, "the column '" ~ column ~ "' already exists in customer_computed_traits"
                ~ " (profile_id or another trait); give the trait another key") -%}
        {%- endif -%}
        {%- do seen.append(column) -%}
        {%- if definition is not mapping -%}
            {%- do _cdp_ct_fail(file, key, "a trait is a mapping with at least kind and event,"
                ~ " e.g. {kind: event_counter, event: Order Completed}") -%}
        {%- endif -%}
        {%- set kind = definition.get('kind') -%}
        {%- if kind is none -%}
            {%- do _cdp_ct_fail(file, key ~ '.kind', "every trait needs `kind`: one of " ~ kinds.keys() | list | join(', ')) -%}
        {%- elif kind not in kinds -%}
            {%- do _cdp_ct_fail(file, key ~ '.kind', "unknown kind '" ~ kind ~ "'; use one of: " ~ kinds.keys() | list | join(', ')) -%}
        {%- endif -%}
        {%- set spec = kinds[kind] -%}
        {%- for definition_key in definition -%}
            {%- if definition_key not in ['kind', 'description'] + spec['keys'] -%}
                {%- do _cdp_ct_fail(file, key ~ '.' ~ definition_key, "unknown key for kind " ~ kind ~ "; it takes: "
                    ~ (['kind', 'description'] + spec['keys']) | join(', ')) -%}
            {%- endif -%}
        {%- endfor -%}
        {# events #}
        {%- set event = definition.get('event') -%}
        {%- set events = [event] if event is string else event -%}
        {%- if event is none or event is mapping or events is not iterable or events | length == 0 -%}
            {%- do _cdp_ct_fail(file, key ~ '.event', "every trait needs `event`: one event name or a list,"
                ~ " e.g. event: Order Completed or event: [Product Viewed, Product Added]") -%}
        {%- endif -%}
        {%- for name in events -%}
            {%- if name not in allowed_events -%}
                {%- set suggestion = _cdp_ct_suggest_event(name, allowed_events) -%}
                {%- do _cdp_ct_fail(file, key ~ '.event', "unknown event '" ~ name ~ "'; "
                    ~ ("write '" ~ suggestion ~ "'" if suggestion else
                       "use a canonical ecommerce v2 name (Order Completed, Product Viewed, ...), Email Opened,"
                       ~ " Email Link Clicked, Page Viewed, Screen Viewed, or add your own track name to the var"
                       ~ " cdp__custom_event_names")) -%}
            {%- endif -%}
        {%- endfor -%}
        {# property and function #}
        {%- set property = none -%}
        {%- if spec['needs_property'] -%}
            {%- if definition.get('property') is none -%}
                {%- do _cdp_ct_fail(file, key ~ '.property', "kind " ~ kind ~ " needs `property`: the property to read,"
                    ~ " e.g. property: revenue, property: category or property: context.campaign.source") -%}
            {%- endif -%}
            {%- set property = _cdp_ct_parse_property(definition.get('property')) -%}
            {%- if property is none -%}
                {%- do _cdp_ct_fail(file, key ~ '.property', "'" ~ definition.get('property') ~ "' is not a property"
                    ~ " reference; write a name in properties (category), a dotted path (context.campaign.source,"
                    ~ " traits.plan) or a JSONPath into properties ($.products[0].price)") -%}
            {%- endif -%}
        {%- endif -%}
        {%- set function = none -%}
        {%- if kind == 'aggregation' -%}
            {%- set function = definition.get('function') -%}
            {%- if function not in functions -%}
                {%- do _cdp_ct_fail(file, key ~ '.function', "unknown function '" ~ function ~ "'; aggregation takes"
                    ~ " function: sum, avg, min or max") -%}
            {%- endif -%}
        {%- endif -%}
        {%- set unique_by = none -%}
        {%- if definition.get('unique_by') is not none -%}
            {%- set unique_by = _cdp_ct_parse_property(definition.get('unique_by')) -%}
            {%- if unique_by is none -%}
                {%- do _cdp_ct_fail(file, key ~ '.unique_by', "'" ~ definition.get('unique_by') ~ "' is not a property"
                    ~ " reference; write e.g. unique_by: order_id") -%}
            {%- endif -%}
        {%- endif -%}
        {# window #}
        {%- set window = none -%}
        {%- if definition.get('window') is not none -%}
            {%- set window = cdp_parse_window(definition.get('window')) -%}
            {%- if window is none -%}
                {%- do _cdp_ct_fail(file, key ~ '.window', "'" ~ definition.get('window') ~ "' is not a window; write a"
                    ~ " positive whole number and a unit, e.g. '90 days', '4 weeks', '12 months'"
                    ~ " (units: minutes, hours, days, weeks, months, years), or leave window out for all time") -%}
            {%- endif -%}
        {%- endif -%}
        {# conditions #}
        {%- set conditions = [] -%}
        {%- set declared_conditions = definition.get('conditions') -%}
        {%- if declared_conditions is not none -%}
            {%- if declared_conditions is mapping -%}{%- set declared_conditions = [declared_conditions] -%}{%- endif -%}
            {%- if declared_conditions is string or declared_conditions is not iterable -%}
                {%- do _cdp_ct_fail(file, key ~ '.conditions', "conditions is a list of"
                    ~ " {property: ..., operator: ..., value: ...}") -%}
            {%- endif -%}
            {%- for condition in declared_conditions -%}
                {%- do conditions.append(_cdp_ct_validate_condition(file, key ~ '.conditions[' ~ loop.index0 ~ ']', condition)) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do traits.append({
            'key': column, 'kind': kind, 'events': events, 'property': property, 'function': function,
            'window': window, 'conditions': conditions, 'unique_by': unique_by,
        }) -%}
    {%- endfor -%}
    {%- do return(traits) -%}
{%- endmacro %}
