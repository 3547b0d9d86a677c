{#-
    The flag checks of seeds/reference/dq_checks.csv for the raw tables of the
    enabled families, each with the valid_ model that holds its flag_column:
    [{source_table, check_name, flag_column, valid}, ...], in check order.
    Stops with one message when a flag names a column that its valid_ model
    does not have, so that a check added to the seed is either counted by
    data_quality_audit or fails loudly. Empty at parse time.
-#}
{% macro dq_flag_checks() %}
    {%- if not execute or load_relation(ref('dq_checks')) is none -%}
        {#- parse time, or compile / docs on a warehouse without the seed yet -#}
        {{ return([]) }}
    {%- endif -%}
    {%- set valid_models = {} -%}
    {%- for table in audited_tables() -%}
        {%- do valid_models.update({table.source_table: table.valid}) -%}
    {%- endfor -%}
    {%- set seed_rows = run_query(
        "select source_table, check_name, flag_column from " ~ ref('dq_checks')
        ~ " where action = 'flag' order by source_table, check_order") -%}
    {%- set checks = [] -%}
    {%- set problems = [] -%}
    {%- for row in seed_rows.rows if row[0] in valid_models -%}
        {%- set model_name = valid_models[row[0]] -%}
        {%- set relation = load_relation(ref(model_name)) -%}
        {#- a valid_ model not built yet (compile, docs) cannot be checked -#}
        {%- set columns = (adapter.get_columns_in_relation(relation) | map(attribute='name')
            | map('lower') | list) if relation is not none else [row[2] | lower] -%}
        {%- if row[2] is none or (row[2] | lower) not in columns -%}
            {%- do problems.append(
                "the flag '" ~ row[1] ~ "' of " ~ row[0] ~ " names the column '" ~ row[2]
                ~ "', which " ~ model_name ~ " does not have: add the column to the model,"
                ~ " or correct flag_column in seeds/reference/dq_checks.csv.") -%}
        {%- else -%}
            {%- do checks.append({'source_table': row[0], 'check_name': row[1],
                'flag_column': row[2] | lower, 'valid': model_name}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do raise_problems("Data-quality check without its column", problems) -%}
    {{ return(checks) }}
{% endmacro %}
