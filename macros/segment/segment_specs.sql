{# The context fields that staging flattens, as a spec for cdp_parse_json. #}
{% macro segment_context_spec() -%}
    {%- do return({
        'page': {'url': 'string', 'path': 'string', 'referrer': 'string', 'title': 'string', 'search': 'string'},
        'campaign': {'name': 'string', 'source': 'string', 'medium': 'string', 'term': 'string', 'content': 'string'},
        'device': {'id': 'string', 'advertisingId': 'string', 'adTrackingEnabled': 'string', 'type': 'string'},
        'os': {'name': 'string', 'version': 'string'},
        'app': {'name': 'string', 'version': 'string'},
        'library': {'name': 'string', 'version': 'string'},
        'ip': 'string',
        'userAgent': 'string',
        'locale': 'string',
        'timezone': 'string',
        'traits': 'json',
        'externalIds': 'json',
        'consent': {'categoryPreferences': 'json'},
    }) -%}
{%- endmacro %}

{#
    The top-level fields of a Segment message, as a spec for cdp_parse_json: one parse per line.
    context stays JSON text here and is parsed on its own, so the raw context is kept for analysts
    without parsing the whole line twice.
#}
{% macro segment_message_spec(with_batch=false) -%}
    {%- set spec = {
        'type': 'string',
        'event': 'string',
        'name': 'string',
        'messageId': 'string',
        'userId': 'string',
        'anonymousId': 'string',
        'previousId': 'string',
        'groupId': 'string',
        'timestamp': 'string',
        'originalTimestamp': 'string',
        'sentAt': 'string',
        'receivedAt': 'string',
        'properties': 'json',
        'traits': 'json',
        'integrations': 'json',
        'context': 'json',
    } -%}
    {%- if with_batch -%}
        {%- do spec.update({'batch': 'json'}) -%}
    {%- endif -%}
    {%- do return(spec) -%}
{%- endmacro %}

{# Fields of `properties` that staging types: order-level ecommerce fields and single-product fields. #}
{% macro segment_properties_spec() -%}
    {%- do return({
        'order_id': 'string', 'checkout_id': 'string',
        'revenue': 'string', 'total': 'string', 'subtotal': 'string', 'shipping': 'string',
        'tax': 'string', 'discount': 'string', 'value': 'string', 'coupon': 'string', 'currency': 'string',
        'price': 'string', 'product_id': 'string', 'email': 'string', 'phone': 'string',
        'products': 'json',
    }) -%}
{%- endmacro %}

{# Identity fields of `traits` (identify traits or context.traits). #}
{% macro segment_traits_spec() -%}
    {%- do return({'email': 'string', 'phone': 'string'}) -%}
{%- endmacro %}

{# One product of properties.products[] (or the properties of a single-product event). #}
{% macro segment_product_spec() -%}
    {%- do return({
        'product_id': 'string', 'sku': 'string', 'name': 'string', 'brand': 'string', 'category': 'string',
        'variant': 'string', 'price': 'string', 'quantity': 'string', 'position': 'string', 'coupon': 'string',
        'url': 'string', 'image_url': 'string', 'currency': 'string',
    }) -%}
{%- endmacro %}
