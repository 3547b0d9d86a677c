{#-
    The checks that run before models (check_raw_files, dq_flag_checks) report
    every problem they find in one message: `<summary>:` and one line per
    problem. Stops with that compiler error when `problems` is not empty.
-#}
{% macro raise_problems(summary, problems) %}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            summary ~ ":\n  - " ~ problems | join("\n  - ")) }}
    {%- endif -%}
{% endmacro %}
