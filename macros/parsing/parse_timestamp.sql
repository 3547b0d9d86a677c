{#-
    A raw timestamp as a timestamp without zone in UTC, null when blank, a
    null token or unreadable (DECISIONLOG D8). The text is a date and time,
    `YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]]]`, then optionally a zone:
    `Z`, `UTC` or `GMT` (any case), or a numeric offset `+HH:MM`, `+HHMM` or
    `+HH` (or `-`, at most 18 hours): the time is converted to UTC. Without a
    zone the time is read in the var `raw_timezone` (an IANA name, default
    'UTC'). Any other text after the time is an unreadable zone: the value is
    null, and has_unreadable_time_zone() is true for it. A time since the
    Unix epoch (epoch_timestamp: seconds, milliseconds or microseconds, told
    apart by their digits) is an instant, read as UTC whatever raw_timezone.
-#}
{% macro parse_timestamp(column) -%}
    {%- set zone = timestamp_text_part(column, 'zone') -%}
    {%- set local_time = try_cast(
        "replace(" ~ timestamp_text_part(column, 'local') ~ ", 'T', ' ')",
        api.Column.translate_type('timestamp')) -%}
    {#- the canonical export form first: it reads the same, for less (P9) #}
    case
        when {{ canonical_utc_timestamp(column) }} is not null
            then {{ canonical_utc_timestamp(column) }}
        when {{ epoch_timestamp(column) }} is not null
            then {{ epoch_timestamp(column) }}
        when {{ zone }} = ''
            then {{ local_time_to_utc(local_time, raw_timezone()) }}
        else {{ timestamp_minus_minutes(local_time, time_zone_offset_minutes(zone)) }}
    end
{%- endmacro %}


{#-
    A raw time written as a number of units since 1970-01-01 00:00:00 UTC
    (the Unix epoch), as a timestamp without zone in UTC; null for any other
    text. The unit is told by the digits, so that every time from 1973 to
    2286 reads one way only: 9 or 10 digits are seconds (which may have up to
    6 decimals: `1569888000.5`), 12 or 13 milliseconds, 15 or 16
    microseconds; other lengths (8 digits may be a date, `20191001`) are no
    epoch time. A sign, a decimal comma or a zone after it is unreadable.
-#}
{% macro epoch_timestamp(column) -%}
    {%- set seconds = '^ *[0-9]{9,10}(?:[.][0-9]{1,6})? *$' -%}
    {%- set milliseconds = '^ *[0-9]{12,13} *$' -%}
    {%- set microseconds = '^ *[0-9]{15,16} *$' -%}
    {#- one pattern first: an ISO time fails it at its first `-` -#}
    case
        when {{ matches_pattern(column, seconds ~ '|' ~ milliseconds ~ '|' ~ microseconds) }}
            then {{ epoch_microseconds_to_timestamp(
                "case when " ~ matches_pattern(column, seconds) ~ " then cast("
                ~ try_cast(column, 'decimal(38, 6)') ~ " * 1000000 as bigint)"
                ~ " when " ~ matches_pattern(column, milliseconds) ~ " then "
                ~ try_cast(column, 'bigint') ~ " * 1000"
                ~ " else " ~ try_cast(column, 'bigint') ~ " end") }}
    end
{%- endmacro %}


{#-
    True when a raw timestamp's date and time are followed by a zone that
    parse_timestamp cannot read (`+25:00`, `EST`, `Europe/Paris`, ...).
-#}
{% macro has_unreadable_time_zone(column) -%}
    {%- set zone = timestamp_text_part(column, 'zone') -%}
    ({{ zone }} <> ''
        and not {{ matches_pattern(zone, '^(Z|UTC|GMT|' ~ time_zone_offset_pattern() ~ ')$') }})
{%- endmacro %}


{#-
    One part of a raw timestamp's text: `local`, the date and time as written
    (empty when they do not have the form of parse_timestamp), or `zone`, the
    text after them, upper case (empty when there is none). Null when blank.
-#}
{% macro timestamp_text_part(column, part) -%}
    {%- set pattern = '^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}'
        ~ '(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.][0-9]*)?)?)?) *(.*)$' -%}
    {%- set text = "regexp_extract(" ~ clean_text(column) ~ ", '" ~ pattern ~ "', "
        ~ (1 if part == 'local' else 2) ~ ")" -%}
    {{ text if part == 'local' else 'upper(' ~ text ~ ')' }}
{%- endmacro %}


{#-
    The minutes to add to UTC to get the local time of a zone text
    (timestamp_text_part 'zone'): 0 for Z, UTC and GMT, the signed offset for
    `+HH:MM`, `+HHMM` or `+HH` (`-` alike, at most 18 hours); null for
    anything else.
-#}
{% macro time_zone_offset_minutes(zone) -%}
    case
        when {{ zone }} in ('Z', 'UTC', 'GMT') then 0
        when {{ matches_pattern(zone, '^' ~ time_zone_offset_pattern() ~ '$') }}
            then
                (case when substr({{ zone }}, 1, 1) = '-' then -1 else 1 end)
                * (
                    cast(substr({{ zone }}, 2, 2) as integer) * 60
                    + coalesce(cast(
                        nullif(substr(replace({{ zone }}, ':', ''), 4, 2), '') as integer), 0)
                )
    end
{%- endmacro %}


{#-
    The regular expression of a numeric zone offset, unanchored: `+HH:MM`,
    `+HHMM` or `+HH` (or `-`), at most 18 hours.
-#}
{% macro time_zone_offset_pattern() -%}
    [+-]((0[0-9]|1[0-7])(:?[0-5][0-9])?|18(:?00)?)
{%- endmacro %}


{#-
    The var `raw_timezone`: the IANA time zone in which raw timestamps without
    a zone are written (default 'UTC'). Stops with a message when it is not
    shaped like a zone name.
-#}
{% macro raw_timezone() -%}
    {%- set name = var('raw_timezone', 'UTC') | string | trim -%}
    {%- if not modules.re.match('^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$', name) -%}
        {{ exceptions.raise_compiler_error(
            "var raw_timezone = '" ~ name ~ "' is not a time zone name: give an IANA name such"
            ~ " as 'UTC' or 'Europe/Paris' (docs/raw_data.md, Timestamps)") }}
    {%- endif -%}
    {{ return(name) }}
{%- endmacro %}


{#-
    A timestamp without zone read as a wall-clock time in the IANA zone
    `time_zone` and returned as the UTC time without zone; unchanged when the
    zone is UTC.
-#}
{% macro local_time_to_utc(timestamp, time_zone) -%}
    {%- if time_zone | upper in ['UTC', 'ETC/UTC', 'Z', 'GMT', 'ETC/GMT'] -%}
        {{ timestamp }}
    {%- else -%}
        {{ return(adapter.dispatch('local_time_to_utc', 'ecommerce_behavior')(
            timestamp, time_zone)) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__local_time_to_utc(timestamp, time_zone) -%}
    timezone('UTC', timezone('{{ time_zone }}', {{ timestamp }}))
{%- endmacro %}

{% macro default__local_time_to_utc(timestamp, time_zone) -%}
    {{ not_supported_on_adapter('local_time_to_utc') }}
{%- endmacro %}


{#- A timestamp minus a number of minutes (an integer expression), exactly. -#}
{% macro timestamp_minus_minutes(timestamp, minutes) -%}
    {{ return(adapter.dispatch('timestamp_minus_minutes', 'ecommerce_behavior')(
        timestamp, minutes)) }}
{%- endmacro %}

{% macro duckdb__timestamp_minus_minutes(timestamp, minutes) -%}
    ({{ timestamp }} - to_minutes(cast({{ minutes }} as bigint)))
{%- endmacro %}

{% macro default__timestamp_minus_minutes(timestamp, minutes) -%}
    {{ not_supported_on_adapter('timestamp_minus_minutes') }}
{%- endmacro %}


{#-
    A raw timestamp written exactly in the canonical export form
    `YYYY-MM-DD HH:MM:SS UTC`, read cheaply; null for any other text. For such
    text it is the time parse_timestamp gives (UTC, no offset to apply), so a
    model may use it to leave out rows before parsing them in full. The text
    must come back unchanged when the time is written in that form again, so
    lenient readings (one-digit months, padded or extra digits) are null and go
    through parse_timestamp. Engines without a cheap strict parse return null
    (no shortcut).
-#}
{% macro canonical_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('canonical_utc_timestamp', 'ecommerce_behavior')(column)) }}
{%- endmacro %}

{% macro default__canonical_utc_timestamp(column) -%}
    cast(null as {{ api.Column.translate_type('timestamp') }})
{%- endmacro %}

{% macro duckdb__canonical_utc_timestamp(column) -%}
    {%- set form = "'%Y-%m-%d %H:%M:%S UTC'" -%}
    case
        when strftime(try_strptime({{ column }}, {{ form }}), {{ form }}) = {{ column }}
            then try_strptime({{ column }}, {{ form }})
    end
{%- endmacro %}
