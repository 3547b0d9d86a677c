{#-
    Raw text with padding removed; blank, or one of the spellings of a missing
    value listed in the var `raw_null_tokens` (`NULL`, `N/A`, `\N`, ...; any
    case), becomes null. Every parser reads its raw text through this macro, so a
    null token is missing in every column of every table, while the raw
    values kept for quarantined rows still show what arrived.
-#}
{% macro clean_text(column) -%}
    {#- one pattern, tried only on short texts: an `in` list of the tokens costs
        DuckDB's planner several times more in a model that cleans many columns -#}
    {%- set tokens = raw_null_tokens() -%}
    {%- set alternatives = [] -%}
    {%- for token in tokens -%}
        {%- do alternatives.append(modules.re.escape(token)) -%}
    {%- endfor -%}
    case
        when
            length(trim({{ column }})) <= {{ tokens | map('length') | max }}
            and {{ matches_pattern('lower(trim(' ~ column ~ '))', '^(?:' ~ alternatives | join('|') ~ ')$') }}
            then null
        else trim({{ column }})
    end
{%- endmacro %}


{#-
    The var `raw_null_tokens`, lower-cased: the texts that mean a missing
    value, compared with the trimmed raw text in any case; blank always does.
    Stops with a message when the var is not a list of texts (an unquoted
    `null` in YAML is no text).
-#}
{% macro raw_null_tokens() -%}
    {%- set tokens = var('raw_null_tokens') -%}
    {%- set tokens = [tokens] if tokens is string else tokens -%}
    {%- set found = [''] -%}
    {%- set problems = [] -%}
    {%- if tokens is mapping or tokens is not iterable -%}
        {%- do problems.append(tokens) -%}
    {%- else -%}
        {%- for token in tokens -%}
            {%- if token is none or token is mapping -%}
                {%- do problems.append(token) -%}
            {%- elif (token | string | trim | lower) not in found -%}
                {%- do found.append(token | string | trim | lower) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "var raw_null_tokens must be a list of texts; " ~ problems | join(', ')
            ~ " is not one (quote null and NULL in YAML: ['NULL', 'null', 'N/A'];"
            ~ " docs/raw_data.md, \"Missing values\")") }}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}
