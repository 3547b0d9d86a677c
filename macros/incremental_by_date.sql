{#-
    Incremental models of this project replace whole days: every run rebuilds
    the days from (latest day already built - events_lookback_days) on, so
    late-arriving events up to that many days late are taken in and the result
    equals a full refresh. On DuckDB that is `delete+insert` keyed on the date
    column; engines without it replace the date partitions (`insert_overwrite`).
-#}
{% macro incremental_by_date_strategy() -%}
    {{ return(adapter.dispatch('incremental_by_date_strategy', 'ecommerce_behavior')()) }}
{%- endmacro %}

{% macro default__incremental_by_date_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}


{#- The first day an incremental run rebuilds, as a SQL expression on {{ this }}. -#}
{% macro incremental_window_start(date_column) -%}
    (
        select cast({{ dbt.dateadd('day', -1 * var('events_lookback_days'), 'max(' ~ date_column ~ ')') }} as date)
        from {{ this }}
    )
{%- endmacro %}
