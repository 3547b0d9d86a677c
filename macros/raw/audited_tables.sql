{#-
    The raw tables of the enabled families, each with its base model (one row
    per raw row) and staging model (the rows kept): what data_quality_audit
    reports on and what its balance test checks.
-#}
{% macro audited_tables() %}
    {%- set tables = [] -%}
    {%- if raw_family_enabled('commerce') -%}
        {%- do tables.extend([
            {'source_table': 'customers', 'base': 'base_ecom__customers', 'staging': 'stg_ecom__customers'},
            {'source_table': 'product_catalog', 'base': 'base_ecom__products', 'staging': 'stg_ecom__products'},
            {'source_table': 'shopping_carts', 'base': 'base_ecom__carts', 'staging': 'stg_ecom__carts'},
            {'source_table': 'cart_items', 'base': 'base_ecom__cart_items', 'staging': 'stg_ecom__cart_items'},
            {'source_table': 'orders', 'base': 'base_ecom__orders', 'staging': 'stg_ecom__orders'},
            {'source_table': 'order_items', 'base': 'base_ecom__order_items', 'staging': 'stg_ecom__order_items'},
            {'source_table': 'returns', 'base': 'base_ecom__returns', 'staging': 'stg_ecom__returns'},
            {'source_table': 'return_items', 'base': 'base_ecom__return_items', 'staging': 'stg_ecom__return_items'},
        ]) -%}
    {%- endif -%}
    {%- if raw_family_enabled('events') -%}
        {%- do tables.append(
            {'source_table': 'events', 'base': 'base_clickstream__events', 'staging': 'stg_clickstream__events'}) -%}
    {%- endif -%}
    {{ return(tables) }}
{% endmacro %}
