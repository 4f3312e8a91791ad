{# The 28 Segment ecommerce v2 event names, by group; the names every mart speaks. #}
{% macro ecommerce_v2_events() -%}
    {%- do return({
        'browsing': ['Products Searched', 'Product List Viewed', 'Product List Filtered'],
        'promotions': ['Promotion Viewed', 'Promotion Clicked'],
        'ordering': ['Product Clicked', 'Product Viewed', 'Product Added', 'Product Removed', 'Cart Viewed',
                     'Checkout Started', 'Checkout Step Viewed', 'Checkout Step Completed', 'Payment Info Entered',
                     'Order Updated', 'Order Completed', 'Order Refunded', 'Order Cancelled'],
        'coupons': ['Coupon Entered', 'Coupon Applied', 'Coupon Denied', 'Coupon Removed'],
        'wishlisting': ['Product Added to Wishlist', 'Product Removed from Wishlist', 'Wishlist Product Added to Cart'],
        'sharing': ['Product Shared', 'Cart Shared'],
        'reviewing': ['Product Reviewed'],
    }) -%}
{%- endmacro %}

{# Events whose properties describe one product (the rest carry products[]). #}
{% macro single_product_events() -%}
    {%- do return(['Product Clicked', 'Product Viewed', 'Product Added', 'Product Removed',
                   'Product Added to Wishlist', 'Product Removed from Wishlist', 'Wishlist Product Added to Cart',
                   'Product Shared', 'Product Reviewed']) -%}
{%- endmacro %}

{#
    Other spellings seen in the wild, mapped to the v2 name: Segment's v1 names ("Completed Order"),
    US spellings, and the project variable cdp__event_name_aliases ({"Bought": "Order Completed"}).
    Case, spaces and punctuation never matter: matching is on the lower-cased letters and digits.
#}
{% macro event_name_aliases() -%}
    {%- set aliases = {
        'Searched Products': 'Products Searched',
        'Viewed Product Category': 'Product List Viewed',
        'Viewed Product List': 'Product List Viewed',
        'Filtered Product List': 'Product List Filtered',
        'Viewed Promotion': 'Promotion Viewed',
        'Clicked Promotion': 'Promotion Clicked',
        'Clicked Product': 'Product Clicked',
        'Viewed Product': 'Product Viewed',
        'Added Product': 'Product Added',
        'Removed Product': 'Product Removed',
        'Viewed Cart': 'Cart Viewed',
        'Started Checkout': 'Checkout Started',
        'Viewed Checkout Step': 'Checkout Step Viewed',
        'Completed Checkout Step': 'Checkout Step Completed',
        'Entered Payment Info': 'Payment Info Entered',
        'Updated Order': 'Order Updated',
        'Completed Order': 'Order Completed',
        'Refunded Order': 'Order Refunded',
        'Order Canceled': 'Order Cancelled',
        'Cancelled Order': 'Order Cancelled',
        'Canceled Order': 'Order Cancelled',
        'Entered Coupon': 'Coupon Entered',
        'Applied Coupon': 'Coupon Applied',
        'Denied Coupon': 'Coupon Denied',
        'Removed Coupon': 'Coupon Removed',
        'Added Product to Wishlist': 'Product Added to Wishlist',
        'Removed Product from Wishlist': 'Product Removed from Wishlist',
        'Shared Product': 'Product Shared',
        'Shared Cart': 'Cart Shared',
        'Reviewed Product': 'Product Reviewed',
    } -%}
    {%- do aliases.update(var('cdp__event_name_aliases', {})) -%}
    {%- do return(aliases) -%}
{%- endmacro %}

{# The matching key of a name: lower-case letters and digits only. #}
{% macro event_name_key_of(name) -%}
    {%- do return(modules.re.sub('[^a-z0-9]', '', name | lower)) -%}
{%- endmacro %}

{# SQL expression: the canonical event name for a key column built with the same rule (see stg_segment__messages). #}
{% macro canonical_event_name(key_column, original_column) -%}
    {%- set mapping = {} -%}
    {%- for group, names in ecommerce_v2_events().items() -%}
        {%- for name in names -%}
            {%- do mapping.update({event_name_key_of(name): name}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for alias, name in event_name_aliases().items() -%}
        {%- do mapping.update({event_name_key_of(alias): name}) -%}
    {%- endfor -%}
    case {{ key_column }}
    {%- for key, name in mapping.items() | sort %}
        when '{{ key }}' then '{{ name }}'
    {%- endfor %}
        else {{ original_column }}
    end
{%- endmacro %}

{# All 28 ecommerce v2 names in one flat list. #}
{% macro ecommerce_v2_event_names() -%}
    {%- set names = [] -%}
    {%- for group, group_names in ecommerce_v2_events().items() -%}
        {%- do names.extend(group_names) -%}
    {%- endfor -%}
    {%- do return(names) -%}
{%- endmacro %}

{# A list of strings as a SQL list of quoted literals, for `in (...)`. #}
{% macro sql_string_list(values) -%}
    {%- for value in values -%}
        '{{ value | replace("'", "''") }}'{{ ",\n        " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#
    Every event name that computed traits and audiences may name: the 28 ecommerce v2 names, the
    targets of the alias tables, the e-mail events, Page Viewed / Screen Viewed (page and screen
    calls), and the project's own track names in var cdp__custom_event_names.
#}
{% macro cdp_known_event_names() -%}
    {%- set names = ecommerce_v2_event_names() + ['Email Opened', 'Email Link Clicked', 'Page Viewed', 'Screen Viewed'] -%}
    {%- for name in event_name_aliases().values() | list + (var('cdp__custom_event_names', []) or []) -%}
        {%- if name not in names -%}{%- do names.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {%- do return(names) -%}
{%- endmacro %}

{# Boolean SQL: the row of `relation` is one of the named events; Page / Screen Viewed match page and screen calls. #}
{% macro cdp_event_name_predicate(names, relation='events') -%}
    {%- set quoted = [] -%}
    {%- set types = [] -%}
    {%- for name in names | unique | sort -%}
        {%- do quoted.append("'" ~ (name | replace("'", "''")) ~ "'") -%}
        {%- if name == 'Page Viewed' -%}{%- do types.append('page') -%}{%- endif -%}
        {%- if name == 'Screen Viewed' -%}{%- do types.append('screen') -%}{%- endif -%}
    {%- endfor -%}
    ({{ relation }}.event_name in ({{ quoted | join(', ') }})
    {%- if types %} or {{ relation }}.message_type in ('{{ types | join("', '") }}'){% endif -%})
{%- endmacro %}
