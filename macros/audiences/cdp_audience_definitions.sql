{#
    Audience definitions: read, validate and order them. Definitions live in
    config.meta.audiences of int_audiences__members (models/marts/audiences/_audiences__definitions.yml);
    the var cdp__audience_definitions replaces them when set (unit tests, experiments).
    Everything here needs the graph, so it only runs at execution time (execute = true).
#}

{# The node that carries the definitions, and the file they come from. #}
{% macro cdp_audience_source() -%}
    {%- set override = var('cdp__audience_definitions', none) -%}
    {%- if override is not none -%}
        {%- do return({'file': 'var cdp__audience_definitions', 'audiences': override}) -%}
    {%- endif -%}
    {%- for node in (graph.get("nodes") or {}).values() -%}
        {%- if node.resource_type == 'model' and node.name == 'int_audiences__members' -%}
            {%- set path = (node.patch_path or node.original_file_path) -%}
            {%- if '://' in path -%}{%- set path = path.split('://')[1] -%}{%- endif -%}
            {%- set meta = node.config.meta or {} -%}
            {%- set source = {'file': path, 'audiences': meta.get('audiences') or {}} -%}
            {#- an audience indented one level too little lands beside audiences and would vanish -#}
            {%- for meta_key in meta.keys() if meta_key != 'audiences' -%}
                {{ cdp_audience_fail(source, 'config.meta.' ~ meta_key, "unknown key beside audiences; an audience"
                    ~ " goes under config.meta.audiences, indented like the shipped audiences") }}
            {%- endfor -%}
            {%- do return(source) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return({'file': 'models/marts/audiences/_audiences__definitions.yml', 'audiences': {}}) -%}
{%- endmacro %}

{% macro cdp_audience_fail(source, where, message) -%}
    {{ exceptions.raise_compiler_error(
        'Invalid audience definition in ' ~ source.file ~ ' at ' ~ where ~ ': ' ~ message) }}
{%- endmacro %}

{# Agreed columns of customer_traits (COMMON interface) plus any its YAML documents. #}
{% macro cdp_audience_trait_columns() -%}
    {%- set traits = {} -%}
    {%- set agreed = [
        'as_of_at', 'order_count', 'lifetime_revenue', 'lifetime_margin', 'reporting_currency',
        'average_order_value', 'first_order_at', 'last_order_at', 'days_since_last_order',
        'purchase_frequency', 'refund_rate', 'preferred_category', 'preferred_brand',
        'preferred_price_tier', 'price_sensitivity', 'rfm_recency_score', 'rfm_frequency_score',
        'rfm_monetary_score', 'rfm_segment', 'clv_frequency', 'clv_recency_days', 'clv_age_days',
        'probability_alive', 'predicted_purchases_365d', 'predicted_clv_365d', 'consent_marketing',
        'consent_advertising', 'consent_analytics'] -%}
    {%- for name in agreed -%}{%- do traits.update({name: 'customer_traits'}) -%}{%- endfor -%}
    {%- for node in (graph.get("nodes") or {}).values() -%}
        {%- if node.resource_type == 'model' and node.name == 'customer_traits' -%}
            {%- for name in node.columns -%}
                {%- if name != 'profile_id' -%}{%- do traits.update({name: 'customer_traits'}) -%}{%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for node in (graph.get("nodes") or {}).values() -%}
        {%- if node.resource_type == 'model' and node.name == 'customer_computed_traits' -%}
            {%- for name in cdp_audience_computed_trait_keys(node) -%}
                {%- if name not in traits -%}{%- do traits.update({name: 'customer_computed_traits'}) -%}{%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(traits) -%}
{%- endmacro %}

{# Trait keys of customer_computed_traits: its documented columns and any meta list of traits. #}
{% macro cdp_audience_computed_trait_keys(node) -%}
    {%- set keys = [] -%}
    {%- for name in node.columns -%}
        {%- if name != 'profile_id' -%}{%- do keys.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {%- set meta = node.config.meta or {} -%}
    {%- set declared = meta.get('computed_traits') or meta.get('traits') or {} -%}
    {%- if declared is mapping -%}
        {%- for name in declared -%}{%- do keys.append(name) -%}{%- endfor -%}
    {%- elif declared is iterable and declared is not string -%}
        {%- for item in declared -%}
            {%- if item is mapping and (item.get('key') or item.get('name')) -%}
                {%- do keys.append(item.get('key') or item.get('name')) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return(keys) -%}
{%- endmacro %}

{# A window of an audience condition, parsed by cdp_parse_window; a clear error naming the key otherwise. #}
{% macro cdp_audience_window(source, where, window) -%}
    {%- set parsed = cdp_parse_window(window) -%}
    {%- if parsed is none -%}
        {{ cdp_audience_fail(source, where, "bad window '" ~ window
            ~ "': write a positive whole number and a unit, e.g. '7 days', '12 hours', '2 weeks', '6 months'"
            ~ " (units: minutes, hours, days, weeks, months, years)") }}
    {%- endif -%}
    {%- do return(parsed) -%}
{%- endmacro %}

{# Keys of the audiences a condition refers to (audience conditions anywhere inside it). #}
{% macro cdp_audience_references(condition, found=none) -%}
    {%- set found = [] if found is none else found -%}
    {%- if condition is mapping -%}
        {%- if 'audience' in condition and condition['audience'] not in found -%}
            {%- do found.append(condition['audience'] | string) -%}
        {%- endif -%}
        {%- for key in ['all', 'any'] -%}
            {%- if key in condition and condition[key] is iterable and condition[key] is not string -%}
                {%- for child in condition[key] -%}{%- do cdp_audience_references(child, found) -%}{%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if 'not' in condition -%}{%- do cdp_audience_references(condition['not'], found) -%}{%- endif -%}
    {%- endif -%}
    {%- do return(found) -%}
{%- endmacro %}

{#
    Validate the audience list and return its keys in evaluation order (referenced audiences first).
    Unknown references and cycles (a -> b -> a) fail with the file and the path of the cycle.
#}
{% macro cdp_audience_order(source) -%}
    {%- set audiences = source.audiences -%}
    {%- if audiences is not mapping -%}
        {{ cdp_audience_fail(source, 'audiences', 'expected a mapping of audience_key: {name, description, condition}') }}
    {%- endif -%}
    {%- set refs = {} -%}
    {%- for key, audience in audiences.items() -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]*$', key | string) -%}
            {{ cdp_audience_fail(source, 'audiences.' ~ key,
                "audience key '" ~ key ~ "' must be lower-case letters, digits and underscores, starting with a letter") }}
        {%- endif -%}
        {%- if audience is not mapping or 'condition' not in audience -%}
            {{ cdp_audience_fail(source, 'audiences.' ~ key, 'an audience needs a condition (and a name and description)') }}
        {%- endif -%}
        {%- for field in audience -%}
            {%- if field not in ['name', 'description', 'condition', 'tags'] -%}
                {{ cdp_audience_fail(source, 'audiences.' ~ key ~ '.' ~ field,
                    "unknown field '" ~ field ~ "' (expected name, description, condition, tags)") }}
            {%- endif -%}
        {%- endfor -%}
        {%- set found = cdp_audience_references(audience.condition) -%}
        {%- for ref_key in found -%}
            {%- if ref_key not in audiences -%}
                {{ cdp_audience_fail(source, 'audiences.' ~ key ~ '.condition',
                    "unknown audience reference '" ~ ref_key ~ "' (defined audiences: "
                    ~ (audiences.keys() | list | sort | join(', ')) ~ ')') }}
            {%- endif -%}
        {%- endfor -%}
        {%- do refs.update({key: found}) -%}
    {%- endfor -%}
    {# Kahn's algorithm, one pass per audience at most #}
    {%- set ordered = [] -%}
    {%- for _ in audiences -%}
        {%- for key in audiences | sort -%}
            {%- if key not in ordered -%}
                {%- set ready = namespace(value=true) -%}
                {%- for ref_key in refs[key] -%}
                    {%- if ref_key not in ordered -%}{%- set ready.value = false -%}{%- endif -%}
                {%- endfor -%}
                {%- if ready.value -%}{%- do ordered.append(key) -%}{%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if ordered | length < audiences | length -%}
        {# walk unresolved references from the first unresolved audience until one repeats #}
        {%- set path = [] -%}
        {%- set walk = namespace(current=none, done=false) -%}
        {%- for key in audiences | sort -%}
            {%- if walk.current is none and key not in ordered -%}{%- set walk.current = key -%}{%- endif -%}
        {%- endfor -%}
        {%- for _ in range(audiences | length + 1) -%}
            {%- if not walk.done -%}
                {%- if walk.current in path -%}
                    {%- set start = path.index(walk.current) -%}
                    {%- set cycle = path[start:] + [walk.current] -%}
                    {{ cdp_audience_fail(source, 'audiences.' ~ cycle[0] ~ '.condition',
                        'audience cycle: ' ~ cycle | join(' -> ')
                        ~ ' (an audience cannot depend on itself, directly or through others)') }}
                {%- endif -%}
                {%- do path.append(walk.current) -%}
                {%- set next = namespace(key=none) -%}
                {%- for ref_key in refs[walk.current] -%}
                    {%- if next.key is none and ref_key not in ordered -%}{%- set next.key = ref_key -%}{%- endif -%}
                {%- endfor -%}
                {%- set walk.current = next.key -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return({'order': ordered, 'references': refs}) -%}
{%- endmacro %}
