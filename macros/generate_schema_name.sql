{#-
    Schemas are the contract names (raw, staging, intermediate, marts), not
    dbt's default <target_schema>_<custom_schema>, so BI tools always read
    `marts`, whatever the target.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
