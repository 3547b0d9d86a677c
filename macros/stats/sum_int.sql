{#-
    The sum of an integer expression, as a bigint on every engine. DuckDB widens
    sum(bigint) to a 128-bit integer, which pandas reads as a float and BI tools
    as a decimal; counts and units never need more than a bigint.
-#}
{% macro sum_int(expression) -%}
    cast(sum({{ expression }}) as bigint)
{%- endmacro %}
