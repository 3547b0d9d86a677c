{#-
    Spark's percentile() is the exact median interpolated between the two middle
    values, like DuckDB's quantile_cont (percentile_approx would not be exact).
-#}
{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
