{#-
    A raw amount of money as an exact decimal, null when blank, a null token
    or not a number. Decimals (not floats) make sums exact, so two builds give
    identical marts whatever the order rows are added in. Read as exports
    write it (read_number, docs/raw_data.md "Numbers"): a decimal comma or
    point, thousands separators, a currency marker (`$28.01`, `1.234,50 €`).
    Plain text in the decimal separator of the table (`12.50`, or `12,50`
    when it is the comma) is read by a cast alone; the patterns read the rest
    (DECISIONLOG P9). `number` is the column holding the value's
    number_text, when it is computed already (select_raw_rows).
-#}
{% macro parse_money(column, number='') -%}
    {%- set separator = raw_decimal_separator() -%}
    {%- set point_cast = try_cast(column, type_money()) -%}
    {%- set comma_cast = "case when instr(" ~ column ~ ", '.') = 0 then "
        ~ try_cast("replace(" ~ column ~ ", ',', '.')", type_money()) ~ " end" -%}
    coalesce(
        {% if separator == '.' -%}
        {{ point_cast }},
        {%- elif separator == ',' -%}
        {{ comma_cast }},
        {%- else -%}
        case
            when {{ decimal_separator() }} = '.' then {{ point_cast }}
            when {{ decimal_separator() }} = ',' then {{ comma_cast }}
        end,
        {%- endif %}
        {{ read_number(column, 'money', number) }}
    )
{%- endmacro %}

{#- The type of every amount of money: 4 decimals keep sub-cent inputs exact. -#}
{% macro type_money() -%}
    decimal(18, 4)
{%- endmacro %}
