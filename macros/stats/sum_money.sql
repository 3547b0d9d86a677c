{#-
    The sum of an amount of money, as a decimal(38, 4) on every engine: the type
    of every money total in the marts' contracts (docs/mart_interface.yml).
    DuckDB sums any decimal as decimal(38, s) already; Spark widens the
    precision by 10 only (a decimal(18, 4) amount sums to a decimal(28, 4)).
    Exact, and the same value on both engines.
-#}
{% macro sum_money(expression) -%}
    cast(sum({{ expression }}) as decimal(38, 4))
{%- endmacro %}
