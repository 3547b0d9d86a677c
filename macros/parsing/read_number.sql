{#-
    How a number written as in real exports is read (docs/raw_data.md,
    "Numbers"; DECISIONLOG E1): a sign, digits grouped in thousands by `,`,
    `.`, a space or an apostrophe, a decimal part after the decimal separator,
    `.` or `,`; money may also carry one currency marker before or after it
    (`$28.01`, `28,01 €`, `1,725.64 USD`). Which of `.` and `,` is the decimal
    separator is the var `raw_decimal_separator` ('.' or ','), or, by default
    ('auto'), what the money values of the same raw table show
    (raw_number_format_of). parse_money and parse_integer read the plain
    forms by a cast and the rest with read_number.
-#}

{#-
    The var raw_decimal_separator: '.' or ',' when set, none for 'auto' (the
    separator of each raw table is found in its data). Stops with a message
    for any other value.
-#}
{% macro raw_decimal_separator() -%}
    {%- set value = var('raw_decimal_separator') | string | trim -%}
    {%- if value not in ['auto', '.', ','] -%}
        {{ exceptions.raise_compiler_error(
            "var raw_decimal_separator = '" ~ value ~ "' is not 'auto', '.' or ','"
            ~ " (docs/raw_data.md, \"Numbers\")") }}
    {%- endif -%}
    {{ return(none if value == 'auto' else value) }}
{%- endmacro %}


{#-
    The SQL of the decimal separator of the raw rows in scope: the var as a
    literal when it is set; otherwise the column `raw_decimal_separator` that
    select_raw_rows adds to every raw row ('.', ',' or null when the data
    does not tell).
-#}
{% macro decimal_separator() -%}
    {%- set separator = raw_decimal_separator() -%}
    {{ return(sql_text_literal(separator) if separator is not none else 'raw_decimal_separator') }}
{%- endmacro %}


{#- The characters that group digits in thousands whatever the decimal separator. -#}
{% macro digit_group_characters() -%}
    {{ return(" \u00a0\u202f\u2019'") }}
{%- endmacro %}


{#-
    The SQL of a raw number's sign and digits as written: for money, the raw
    text without its currency marker (a three-letter code, `$`, `US$`, `€`,
    `£`, ... before or after the number) and the spaces around it, the sign
    moved in front (`-$1,234.50` and `$-1,234.50` give `-1,234.50`); text the
    plain cast reads, with a point or a comma (`12.50`, `12,50`), is kept as
    it is, for less; for a whole number, the text itself (number_pattern
    allows spaces around a number). Any other text is
    returned as it is (it is no number: number_readings reads nothing in it).
    select_raw_rows computes it once per money column, as
    `raw_<column>__number`.
-#}
{% macro number_text(column, kind) -%}
    {%- if kind != 'money' -%}
        {{ return(column) }}
    {%- endif -%}
    {%- set spaces = '[ \u00a0\u202f]*' -%}
    {%- set currency = "(?:[A-Z]{3}|[A-Z]{0,2}[$]|[€£¥₹₩₽₺₪₫₱฿₦₴₸¢])?" -%}
    {%- set digits = "[0-9](?:[0-9.," ~ digit_group_characters() ~ "]*[0-9.,])?|[.,][0-9]+" -%}
    {#- a cast is cheaper than any text function that would tell the same (DuckDB's trim
        of a set of characters costs ten times more) -#}
    {{ return("case when " ~ try_cast(column, type_money()) ~ " is not null or "
        ~ try_cast("replace(" ~ column ~ ", ',', '.')", type_money()) ~ " is not null then " ~ column
        ~ " else " ~ replace_pattern(column,
            '^' ~ spaces ~ '([+-]?)' ~ spaces ~ currency ~ spaces ~ '([+-]?)' ~ spaces
            ~ '(' ~ digits ~ ')' ~ spaces ~ currency ~ spaces ~ '$', '\\1\\2\\3') ~ " end") }}
{%- endmacro %}


{#-
    The regular expression of a number's text (number_text) read with
    `decimal` ('.' or ',') as the decimal separator: a sign and digits, in
    groups of three after the first group when grouped (by the other
    separator, a space or an apostrophe), then the decimal separator and the
    decimals (for the kind integer, zeros only: `67.0`); spaces around it.
-#}
{% macro number_pattern(kind, decimal) -%}
    {%- set group = ',' if decimal == '.' else '.' -%}
    {%- set whole = '[0-9]+|[1-9][0-9]{0,2}(?:[' ~ group ~ digit_group_characters() ~ '][0-9]{3})+' -%}
    {%- if kind == 'money' -%}
        {%- set decimals = '(?:[' ~ decimal ~ '][0-9]*)?|[' ~ decimal ~ '][0-9]+' -%}
    {%- else -%}
        {%- set decimals = '(?:[' ~ decimal ~ ']0+)?' -%}
    {%- endif -%}
    {{ return('^ *[+-]?(?:(?:' ~ whole ~ ')' ~ decimals ~ ') *$') }}
{%- endmacro %}


{#-
    A number's text (number_text) read both ways, as SQL texts in the form a
    cast reads (a dict): `point`, the number with `.` as the decimal
    separator, `comma`, with `,`; each null when the text is not a number so
    read (number_pattern).
-#}
{% macro number_readings(number, kind) -%}
    {%- set readings = {} -%}
    {%- for name, decimal, group in [('point', '.', ','), ('comma', ',', '.')] -%}
        {%- set text = replace_pattern(number, '[' ~ group ~ digit_group_characters() ~ ']', '') -%}
        {%- if decimal == ',' -%}
            {%- set text = "replace(" ~ text ~ ", ',', '.')" -%}
        {%- endif -%}
        {%- if kind != 'money' -%}
            {%- set text = "regexp_replace(" ~ text ~ ", '[.]0+$', '')" -%}
        {%- endif -%}
        {%- do readings.update({name: "case when "
            ~ matches_pattern(number, number_pattern(kind, decimal)) ~ " then " ~ text ~ " end"}) -%}
    {%- endfor -%}
    {{ return(readings) }}
{%- endmacro %}


{#-
    The full reading of a raw number (parse_money and parse_integer read the
    plain forms before): null when blank, a null token or not a number of its
    kind; else the number read with the decimal separator in scope
    (decimal_separator), or, where none is known, the one reading the text
    has (`12.50`, `1,234.50`, `12,50`, `1 234`). A text that reads as two
    numbers where no separator is known (`1,234`) is null: in a money or
    integer column of the contract it has stopped the run before
    (raw_number_format_of). `number` is the SQL of the value's number_text
    when it is computed already (a column of select_raw_rows).
-#}
{% macro read_number(column, kind, number='') -%}
    {%- set number = number or number_text(column, kind) -%}
    {%- set reading = number_readings(number, kind) -%}
    {%- set separator = raw_decimal_separator() -%}
    {%- if separator == '.' -%}
        {%- set text = reading['point'] -%}
    {%- elif separator == ',' -%}
        {%- set text = reading['comma'] -%}
    {%- else -%}
        {#- two readings that differ (`1,234` where no separator is known) are no number -#}
        {%- set text = "case " ~ decimal_separator() ~ " when '.' then " ~ reading['point']
            ~ " when ',' then " ~ reading['comma'] ~ " else case when coalesce(" ~ reading['point']
            ~ " <> " ~ reading['comma'] ~ ", false) then null else coalesce(" ~ reading['point']
            ~ ", " ~ reading['comma'] ~ ") end end" -%}
    {%- endif -%}
    {{ try_cast(text, type_money() if kind == 'money' else api.Column.translate_type('bigint')) }}
{%- endmacro %}


{#-
    The one-row query of how a raw table writes its numbers, as the column
    `raw_decimal_separator`: ',' when some money value reads only with a
    decimal comma (`12,50`, `1.234,50`) and none only with a decimal point;
    '.' in the opposite case (`12.50`, `1,234.50`, `1,234,567`); null when
    neither shows (no money column, only whole numbers, or only values such
    as `1,234`) or both do. Where it is null, a money or whole number that
    reads as two numbers (`1,234`: 1234 with a decimal point, 1.234 with a
    decimal comma; `1.000` in a whole-number column) stops the query with a
    message naming the column, `where` (the file), the value and the var
    raw_decimal_separator: it is never guessed. `recorded`: the signs
    (raw_number_signs) of files of the table that `relation` leaves out, as
    the load manifest holds them ({'has_point', 'has_comma', 'ambiguous':
    {column: value}}), counted as if their rows were read (an incremental
    run that reads only some files of the events, DECISIONLOG L4).
-#}
{% macro raw_number_format_of(table_name, relation, where, recorded=[]) -%}
    {%- set columns = [] -%}
    {%- for column, kind in raw_column_kinds(table_name).items() if kind in ['money', 'integer'] -%}
        {%- do columns.append((column, kind)) -%}
    {%- endfor -%}
    select
        case
            when has_comma and not has_point then ','
            when has_point and not has_comma then '.'
            {%- for column, kind in columns %}
            when {{ column }}__ambiguous is not null
                then cast({{ raise_query_error(
                    sql_text_literal("column " ~ column ~ " of " ~ where ~ ": the value '")
                    ~ " || " ~ column ~ "__ambiguous || "
                    ~ sql_text_literal("' reads as two numbers, with '.' or with ',' as the"
                        ~ " decimal separator, and the file's money values do not show which"
                        ~ " one it uses: set the var raw_decimal_separator to '.' or ','"
                        ~ " (docs/raw_data.md, \"Numbers\")")) }} as {{ dbt.type_string() }})
            {%- endfor %}
        end as raw_decimal_separator
    from (
        {%- if recorded %}
        select
            coalesce(bool_or(has_point), false) as has_point,
            coalesce(bool_or(has_comma), false) as has_comma
            {%- for column, kind in columns %},
            min({{ column }}__ambiguous) as {{ column }}__ambiguous
            {%- endfor %}
        from (
            {{ raw_number_signs(table_name, relation) | indent(12) }}
            {%- for signs in recorded %}
            union all
            select
                {{ signs['has_point'] | string | lower }} as has_point,
                {{ signs['has_comma'] | string | lower }} as has_comma
                {%- for column, kind in columns %},
                {%- set value = signs['ambiguous'].get(column) %}
                {{ 'cast(null as ' ~ dbt.type_string() ~ ')' if value is none
                    else sql_text_literal(value) }} as {{ column }}__ambiguous
                {%- endfor %}
            {%- endfor %}
        ) as recorded_signs
        {%- else %}
        {{ raw_number_signs(table_name, relation) | indent(8) }}
        {%- endif %}
    ) as number_format
{%- endmacro %}


{#-
    What a raw table's numbers show about their decimal separator
    (raw_number_format_of), as a query: `has_point` (some money value reads only
    with a decimal point), `has_comma` (only with a decimal comma) and, for each
    money or whole-number column, `<column>__ambiguous` (the least value that
    reads as two numbers, or null). One row, or with `group_by` (a column of
    `relation`, e.g. the file name) one row per group; `aggregates`
    ({name: SQL}) are more aggregates over `relation`'s columns `carry`, kept
    beside (the latest day of each events file, raw_events_file_facts).
-#}
{% macro raw_number_signs(table_name, relation, group_by=none, carry=[], aggregates={}) -%}
    {%- set columns = [] -%}
    {%- for column, kind in raw_column_kinds(table_name).items() if kind in ['money', 'integer'] -%}
        {%- do columns.append((column, kind)) -%}
    {%- endfor -%}
    {%- set money = columns | selectattr(1, 'equalto', 'money') | map(attribute=0) | list -%}
    {%- set kept = ([group_by] if group_by else []) + carry -%}
    select
        {%- if group_by %}
        {{ group_by }},
        {%- endif %}
        {%- for name, aggregate in aggregates.items() %}
        {{ aggregate }} as {{ name }},
        {%- endfor %}
        {%- if money %}
        coalesce(bool_or(
            {%- for column in money %}
            {{ column }}__reads = 'point'{{ ' or' if not loop.last }}
            {%- endfor %}
        ), false) as has_point,
        coalesce(bool_or(
            {%- for column in money %}
            {{ column }}__reads = 'comma'{{ ' or' if not loop.last }}
            {%- endfor %}
        ), false) as has_comma
        {%- else %}
        false as has_point,
        false as has_comma
        {%- endif %}
        {%- for column, kind in columns %},
        min(case when {{ column }}__reads = 'both' then {{ column }}__number end)
            as {{ column }}__ambiguous
        {%- endfor %}
    from (
        select
            {{ kept | join(', ') ~ ',' if kept }}
        {%- for column, kind in columns %}
            {{ number_text_readings(column ~ '__number', kind, column) | indent(12) }}
                as {{ column }}__reads,
            {{ column }}__number{{ ',' if not loop.last }}
        {%- endfor %}
        from (
            select
                {{ kept | join(', ') ~ ',' if kept }}
            {%- for column, kind in columns %}
                cast({{ column }} as {{ dbt.type_string() }}) as {{ column }},
                {{ number_text('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')', kind) }}
                    as {{ column }}__number{{ ',' if not loop.last }}
            {%- endfor %}
            from {{ relation }}
        ) as number_texts
    ) as number_values
    {%- if group_by %}
    group by {{ group_by }}
    {%- endif %}
{%- endmacro %}


{#-
    Which readings a raw number's text has (raw_number_format_of), as SQL:
    'point' when it reads only with `.` as the decimal separator, 'comma' only
    with `,`, 'both' when it reads as two different numbers (`1,234`), null
    when it reads the same either way (no separator: `12`, `1 234`) or not at
    all. Money that the plain cast reads, with a point or a comma, takes no
    pattern: it reads one way only unless it is shaped `1.234` or `1,234`.
-#}
{% macro number_text_readings(number, kind, column) -%}
    {%- set point = matches_pattern(number, number_pattern(kind, '.')) -%}
    {%- set comma = matches_pattern(number, number_pattern(kind, ',')) -%}
    case
        {%- if kind == 'money' %}
        {%- for separator, reading in [('.', 'point'), (',', 'comma')] %}
        {%- set text = column if separator == '.' else "replace(" ~ column ~ ", ',', '.')" %}
        when {{ try_cast(text, type_money()) }} is not null then
            case
                when instr({{ column }}, '{{ separator }}') = 0 then null
                when (substr({{ column }}, -4, 1) = '{{ separator }}' or {{ column }} like '% ')
                    and {{ matches_pattern(column, '^ *[+-]?[1-9][0-9]{0,2}[' ~ separator ~ '][0-9]{3} *$') }}
                    then 'both'
                else '{{ reading }}'
            end
        {%- endfor %}
        {%- endif %}
        when instr({{ number }}, '.') = 0 and instr({{ number }}, ',') = 0 then null
        when {{ point }} and {{ comma }} then 'both'
        when {{ point }} then 'point'
        when {{ comma }} then 'comma'
    end
{%- endmacro %}


{#-
    Every match of a regular expression in a text replaced; `\1`, `\2`, ... in
    the replacement are the groups of the match (DuckDB's notation; Spark's
    version writes them `$1`).
-#}
{% macro replace_pattern(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_pattern', 'ecommerce_behavior')(
        expression, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__replace_pattern(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ sql_text_literal(pattern) }}, {{ sql_text_literal(replacement) }}, 'g')
{%- endmacro %}

{% macro default__replace_pattern(expression, pattern, replacement) -%}
    {{ not_supported_on_adapter('replace_pattern') }}
{%- endmacro %}


{#-
    An expression that stops the query with `message` (an SQL text expression)
    when it is evaluated: only in the branch of a case that must not be taken.
-#}
{% macro raise_query_error(message) -%}
    {{ return(adapter.dispatch('raise_query_error', 'ecommerce_behavior')(message)) }}
{%- endmacro %}

{% macro duckdb__raise_query_error(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro default__raise_query_error(message) -%}
    {{ not_supported_on_adapter('raise_query_error') }}
{%- endmacro %}
