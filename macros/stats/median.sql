{#- The median (interpolated between the two middle values) of a numeric expression. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'ecommerce_behavior')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    quantile_cont({{ expression }}, 0.5)
{%- endmacro %}
