{#-
    A SQL string literal that holds `text` exactly: every value that reaches SQL as
    text (a raw file's path, the var raw_encoding) goes through it, never pasted
    between quotes, so a quote in a folder name stays part of the name
    (docs/raw_data.md, "Where the raw files are").
-#}
{% macro sql_text_literal(text) %}
    {{ return(adapter.dispatch('sql_text_literal', 'ecommerce_behavior')(text | string)) }}
{% endmacro %}

{#- Standard SQL (DuckDB): a quote is written twice; a backslash is an ordinary character. -#}
{% macro default__sql_text_literal(text) %}
    {{ return("'" ~ text.replace("'", "''") ~ "'") }}
{% endmacro %}

{#- Spark SQL: a backslash escapes the next character, so both are escaped with one. -#}
{% macro spark__sql_text_literal(text) %}
    {{ return("'" ~ text.replace('\\', '\\\\').replace("'", "\\'") ~ "'") }}
{% endmacro %}
