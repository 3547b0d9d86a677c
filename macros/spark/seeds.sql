{#-
    Seeds on Spark. dbt-spark 1.11's own loader binds values through the
    `session` cursor by pasting them between quotes (session.py _fix_binding):
    a value with a quote (`the customer's signup_date`) breaks the statement,
    a backslash is read as an escape, and a blank field (None) is loaded as
    the text 'None'. This version (it takes precedence over dbt-spark's) writes
    every value as a Spark SQL literal itself: blank -> null, text quoted with
    its backslashes and quotes escaped, numbers and booleans as they are; no
    bindings, so it is the same on every connection method.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do column_types.append(
            column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set values = [] -%}
        {%- for row in chunk -%}
            {%- set literals = [] -%}
            {%- for value in row -%}
                {%- do literals.append(
                    'cast(' ~ spark_seed_literal(value) ~ ' as ' ~ column_types[loop.index0] ~ ')') -%}
            {%- endfor -%}
            {%- do values.append('(' ~ literals | join(',') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values\n' ~ values | join(',\n') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- the SQL of the first batch, for the compiled files -#}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}


{#- One value of a seed as a Spark SQL literal. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
