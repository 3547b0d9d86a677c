{#-
    A raw timestamp as a timestamp without zone (UTC), null when blank or
    unreadable. Accepts every form seen in the raw data:
    `YYYY-MM-DDTHH:MM:SS.ffffff`, the same with a space instead of `T`, and the
    clickstream's `YYYY-MM-DD HH:MM:SS UTC`.
-#}
{% macro parse_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'ecommerce_behavior')(column)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column) -%}
    {{ try_cast(
        "replace(regexp_replace(" ~ clean_text(column) ~ ", ' ?UTC$', ''), 'T', ' ')",
        api.Column.translate_type('timestamp')) }}
{%- endmacro %}
