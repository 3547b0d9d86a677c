{#-
    Spark implementations of the time macros (macros/time/). unix_micros reads
    a timestamp as microseconds since the epoch in UTC; the difference is exact
    (a bigint) before it becomes a double, like DuckDB's date_diff('microsecond').
-#}
{% macro spark__seconds_between(start, end) -%}
    (cast(unix_micros({{ end }}) - unix_micros({{ start }}) as double) / 1000000.0)
{%- endmacro %}


{% macro spark__epoch_microseconds(column) -%}
    unix_micros({{ column }})
{%- endmacro %}


{#- timestamp_micros reads microseconds since the epoch as an instant, shown in the session's UTC. -#}
{% macro spark__epoch_microseconds_to_timestamp(microseconds) -%}
    timestamp_micros({{ microseconds }})
{%- endmacro %}
