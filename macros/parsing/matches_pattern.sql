{#-
    True when a text matches a regular expression (the whole text if anchored).
    The pattern reaches SQL through sql_text_literal, so it may hold a quote.
-#}
{% macro matches_pattern(expression, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern', 'ecommerce_behavior')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_pattern(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ sql_text_literal(pattern) }})
{%- endmacro %}

{% macro default__matches_pattern(expression, pattern) -%}
    {{ not_supported_on_adapter('matches_pattern') }}
{%- endmacro %}
