{#-
    Spark implementations of the parsing macros (macros/parsing/). Spark's
    cast of text is more lenient than DuckDB's in two ways that matter for raw
    data: it reads a bare year (`2024`) or `2024-01` as a date or timestamp,
    and a zone offset (`+02:00`) as a shift of the time. Dates and timestamps
    are therefore cast only when the text starts with a full `YYYY-MM-DD`
    date and carries no zone, so such values are null (quarantined) here as on
    DuckDB.
-#}
{% macro spark__try_cast(expression, data_type) -%}
    {%- set type_name = data_type | string | lower | trim -%}
    {%- if type_name in ['date', 'timestamp', 'timestamp_ntz'] -%}
        case
            when ({{ expression }}) rlike '^ *[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]*)?)?)? *$'
                then try_cast({{ expression }} as {{ data_type }})
        end
    {%- else -%}
        try_cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}


{#- weekday() is 0 = Monday ... 6 = Sunday. -#}
{% macro spark__iso_weekday(column) -%}
    (weekday({{ column }}) + 1)
{%- endmacro %}


{% macro spark__matches_pattern(expression, pattern) -%}
    ({{ expression }} rlike {{ sql_text_literal(pattern) }})
{%- endmacro %}


{#-
    to_utc_timestamp reads the wall-clock time in the given zone whatever the
    session zone; unix_micros/timestamp_micros keep the microseconds.
-#}
{% macro spark__local_time_to_utc(timestamp, time_zone) -%}
    to_utc_timestamp({{ timestamp }}, '{{ time_zone }}')
{%- endmacro %}


{% macro spark__timestamp_minus_minutes(timestamp, minutes) -%}
    timestamp_micros(unix_micros({{ timestamp }}) - cast({{ minutes }} as bigint) * 60000000)
{%- endmacro %}


{#- Spark's regexp_replace replaces every match; groups are written `$1` in the replacement. -#}
{% macro spark__replace_pattern(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ sql_text_literal(pattern) }}, {{ sql_text_literal(modules.re.sub('\\\\([0-9])', '$\\1', replacement)) }})
{%- endmacro %}


{% macro spark__raise_query_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}
