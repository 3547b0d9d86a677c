{#-
    The contract columns of a raw table as text, renamed with the prefix `raw_`
    so that a staging model can keep the text as read next to the typed column
    of the same name: `cast(cart_id as <text>) as raw_cart_id, ...`. Parquet
    files and warehouse tables may carry real types: they are read as text too.
    An `optional` column of the contract that `relation` (the source relation,
    looked up at run time) lacks is read as null; when its columns cannot be
    looked up (none found: at parse time, in a unit test) every column is
    selected.
-#}
{% macro select_raw_columns(table_name, relation=none) -%}
    {%- set optional = raw_contract()[table_name].get('optional', []) -%}
    {%- set found = [] -%}
    {%- if optional and relation is not none and execute -%}
        {%- set found = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- endif -%}
    {%- for column in raw_column_names(table_name) %}
        {%- if column in optional and found and column not in found %}
        cast(null as {{ dbt.type_string() }}) as raw_{{ column }}{{ ',' if not loop.last }}
        {%- else %}
        cast({{ column }} as {{ dbt.type_string() }}) as raw_{{ column }}{{ ',' if not loop.last }}
        {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#-
    Every row of a raw table as staging reads it: its contract columns as text
    (select_raw_columns); for each money column, `raw_<column>__number`, its
    sign and digits without a currency marker (number_text, which
    parse_raw_column reads); and `raw_decimal_separator`, the decimal
    separator of the table's numbers when the var raw_decimal_separator is
    'auto': the one its money values show (raw_number_format_of, one more pass
    over the table, which stops the run on a number that reads two ways),
    null when they do not tell or the table has no number column. An
    incremental run of the events reads only the files that can hold rows of
    its window (raw_events_files_to_read).
-#}
{% macro select_raw_rows(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {#- an incremental run of the events leaves out the files before its window -#}
    {%- set files = raw_events_files_to_read(this)
        if table_name == 'events' and is_incremental() else none -%}
    {%- set kinds = raw_column_kinds(table_name) -%}
    {%- set detected = raw_decimal_separator() is none
        and ('money' in kinds.values() | list or 'integer' in kinds.values() | list) -%}
    {%- if files is not none -%}
        {%- set relation = files['relation'] -%}
    {%- endif -%}
    select
        {{- select_raw_columns(table_name, relation if files is none else none) }}
        {%- for column, kind in kinds.items() if kind == 'money' %},
        {{ number_text('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')', 'money') }}
            as raw_{{ column }}__number
        {%- endfor %},
        {{ 'raw_number_format.raw_decimal_separator' if detected
            else 'cast(null as ' ~ dbt.type_string() ~ ') as raw_decimal_separator' }}
    from {{ relation }}
    {%- if detected %}
    cross join (
        {{ raw_number_format_of(table_name, relation, raw_table_label(table_name),
            files['skipped'] if files is not none else []) | indent(8) }}
    ) as raw_number_format
    {%- endif %}
{%- endmacro %}


{#-
    1 for the first of a set of identical raw rows, 2, 3, ... for its exact
    copies (every contract column equal, blanks included).
-#}
{% macro exact_copy_number(table_name) -%}
    {{ return(adapter.dispatch('exact_copy_number', 'ecommerce_behavior')(table_name)) }}
{%- endmacro %}

{% macro default__exact_copy_number(table_name) -%}
    {#- the order is irrelevant among identical rows; some engines require one -#}
    row_number() over (
        partition by
        {%- for column in raw_column_names(table_name) %}
            raw_{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
        order by raw_{{ raw_column_names(table_name)[0] }}
    )
{%- endmacro %}

{% macro duckdb__exact_copy_number(table_name) -%}
    {#- DuckDB numbers rows without an order: sorting identical rows cost a
        quarter of the window at 10M events (DECISIONLOG P9) -#}
    row_number() over (
        partition by
        {%- for column in raw_column_names(table_name) %}
            raw_{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{#-
    1 for the row kept among raw rows sharing a key (the contract's key
    columns, each read as its kind), 2, 3, ... for rows with other values, in
    the order of the keep rule (DECISIONLOG D4b): first the table's own
    `keep_first` terms of the raw contract (shopping_carts: the latest
    updated_at, then the furthest status), then the most complete row (the
    fewest blank raw values), then the smallest by every raw column in contract
    order, a tie-break that depends only on the rows' values, so the choice is
    the same on every build. The `keep_first` terms name typed columns: the
    rows must already be typed (typed_raw_columns). dense_rank gives exact
    copies the same number: they are told apart by exact_copy_number, never by
    an arbitrary order between identical rows.
-#}
{% macro key_copy_number(table_name) -%}
    {%- set kinds = raw_column_kinds(table_name) -%}
    {%- set key_expressions = [] -%}
    {%- for column in raw_contract()[table_name]['key'] -%}
        {%- do key_expressions.append(parse_raw_column(kinds[column], column)) -%}
    {%- endfor -%}
    dense_rank() over (
        partition by {{ key_expressions | join(', ') }}
        order by
        {%- for term in raw_contract()[table_name].get('keep_first', []) %}
            {{ term }},
        {%- endfor %}
            {{ blank_raw_value_count(table_name) }},
        {%- for column in raw_column_names(table_name) %}
            raw_{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{#- The number of blank raw values of a row (a whole number). -#}
{% macro blank_raw_value_count(table_name) -%}
    (
        {%- for column in raw_column_names(table_name) %}
        case when {{ clean_text('raw_' ~ column) }} is null then 1 else 0 end
        {{- ' +' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{#-
    The rank of a value in a list (1 for the first), len(values) + 1 for any
    other value or null: an order term of a keep rule (`keep_first`).
-#}
{% macro rank_in_list(expression, values) -%}
    case {{ expression }}
        {%- for value in values %}
        when '{{ value }}' then {{ loop.index }}
        {%- endfor %}
        else {{ values | length + 1 }}
    end
{%- endmacro %}


{#-
    The raw values of a row as one JSON text, kept for quarantined rows so a
    reader sees exactly what arrived.
-#}
{% macro raw_values_json(table_name) -%}
    {{ return(adapter.dispatch('raw_values_json', 'ecommerce_behavior')(table_name)) }}
{%- endmacro %}

{% macro duckdb__raw_values_json(table_name) -%}
    cast(json_object(
        {%- for column in raw_column_names(table_name) %}
            '{{ column }}', raw_{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro default__raw_values_json(table_name) -%}
    {{ not_supported_on_adapter('raw_values_json') }}
{%- endmacro %}
