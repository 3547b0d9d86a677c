{#-
    The raw tables of the enabled families, each with its three staging models:
    `staging` (stg_: one row per raw row, typed and checked), `valid` (the rows
    to use) and `quarantine` (the rows rejected, with their reason). What
    data_quality_audit reports on and assert_audit_balances checks.
-#}
{% macro audited_tables() %}
    {%- set tables = [] -%}
    {%- for table_name, spec in raw_contract().items() if raw_family_enabled(spec['family']) -%}
        {%- do tables.append({
            'source_table': table_name,
            'staging': 'stg_' ~ spec['staged_as'],
            'valid': 'valid_' ~ spec['staged_as'],
            'quarantine': 'quarantine_' ~ spec['staged_as'],
        }) -%}
    {%- endfor -%}
    {{ return(tables) }}
{% endmacro %}
