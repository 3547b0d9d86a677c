{#-
    The first step of a keyed raw table's stg_ model, in one place: every raw
    row of source(source_name, table_name), its contract columns as text
    (`raw_<column>`) and typed (typed_raw_columns), with `dq_reason`, the first
    check it fails (DECISIONLOG D4): an exact copy (`exact_duplicate`), then
    each key column blank or unreadable, then a duplicate key with other values
    (the checks named by the contract's `key` and `duplicate_key`; which row of
    a key is kept is the keep rule of key_copy_number), then the
    model's own checks, the `when ... then '<check>'` lines of the call block:

        {% call select_checked_raw_rows('ecom', 'orders') %}
            when customer_id is null then 'missing_customer_id'
            ...
        {% endcall %}
-#}
{% macro select_checked_raw_rows(source_name, table_name) -%}
    {%- set contract = raw_contract()[table_name] -%}
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            {%- for column, check_name in contract['key'].items() %}
            when {{ column }} is null then '{{ check_name }}'
            {%- endfor %}
            when key_copy_number > 1 then '{{ contract['duplicate_key'] }}'
            {{ caller() | trim }}
        end as dq_reason
    from (
        select
            *,
            {{ key_copy_number(table_name) | indent(4) }} as key_copy_number
        from (
            select
                *,
                {{ typed_raw_columns(table_name) | indent(8) }},
                {{ exact_copy_number(table_name) | indent(4) }} as exact_copy_number
            from (
                {{ select_raw_rows(source_name, table_name) | indent(16) }}
            ) as raw_rows
        ) as typed
    ) as numbered
{%- endmacro %}
