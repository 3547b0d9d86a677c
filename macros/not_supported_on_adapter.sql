{#-
    The default__ version of a dispatched macro that has no portable SQL: stops
    with a message naming the macro and the adapter, instead of sending another
    engine's SQL to this one (docs/conventions.md, "Engines").
-#}
{% macro not_supported_on_adapter(macro_name) %}
    {{ exceptions.raise_compiler_error(
        "ecommerce_behavior: " ~ macro_name ~ " is not supported on " ~ adapter.type()
        ~ ". Add a macro " ~ adapter.type() ~ "__" ~ macro_name
        ~ " (see its duckdb__ and spark__ versions) to run the project on " ~ adapter.type() ~ ".") }}
{% endmacro %}
