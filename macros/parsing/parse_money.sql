{#-
    A raw amount of money as an exact decimal, null when blank or not a
    number. Decimals (not floats) make sums exact, so two builds give
    identical marts whatever the order rows are added in.
-#}
{% macro parse_money(column) -%}
    {{ try_cast(clean_text(column), type_money()) }}
{%- endmacro %}

{#- The type of every amount of money: 4 decimals keep sub-cent inputs exact. -#}
{% macro type_money() -%}
    decimal(18, 4)
{%- endmacro %}
