{#-
    Which raw data an incremental model holds (docs/raw_data.md, "Switching the raw
    data"). An incremental run adds to what a model already holds; after a switch of
    raw_path (another shop, another export) or of a var that changes what the raw
    text means, it would mix two histories. So every incremental model that a run
    builds records the raw-input vars it was built with (on-run-end,
    record_raw_inputs, a one-row table build_state.raw_inputs__<model>), and a
    later run whose raw-input vars differ rebuilds it from scratch, on its own, and
    says so (should_full_refresh).
-#}

{#- The vars that say which raw data a build reads, and how its text is read. -#}
{% macro raw_input_vars() %}
    {{ return(['raw_path', 'raw_encoding', 'raw_timezone', 'raw_decimal_separator',
        'raw_null_tokens', 'commerce_source_database', 'commerce_source_schema',
        'events_source_database', 'events_source_schema']) }}
{% endmacro %}


{#- The raw-input vars of this run, as JSON with sorted keys. -#}
{% macro raw_inputs_signature() %}
    {%- set signature = {} -%}
    {%- for name in raw_input_vars() -%}
        {%- do signature.update({name: var(name, none)}) -%}
    {%- endfor -%}
    {{ return(tojson(signature, sort_keys=true)) }}
{% endmacro %}


{#- The relation that records the raw inputs of the incremental model `model_name`. -#}
{% macro raw_inputs_relation(model_name) %}
    {{ return(api.Relation.create(database=target.get('database'), schema='build_state',
        identifier='raw_inputs__' ~ model_name, type='table')) }}
{% endmacro %}


{#- The raw inputs the model was last built with (JSON), or none when not recorded. -#}
{% macro recorded_raw_inputs(model_name) %}
    {{ return(recorded_build_state(model_name).get('raw_inputs')) }}
{% endmacro %}


{#-
    The record of the incremental model `model_name` as a dict (raw_inputs; model_code,
    the checksum of the model's SQL file), empty when there is none; a record written
    before model_code was recorded has none.
-#}
{% macro recorded_build_state(model_name) %}
    {%- set wanted = raw_inputs_relation(model_name) -%}
    {%- set relation = adapter.get_relation(
        database=wanted.database, schema=wanted.schema, identifier=wanted.identifier) -%}
    {%- if relation is none -%}{{ return({}) }}{%- endif -%}
    {%- set table = run_query('select * from ' ~ relation) -%}
    {%- if table.rows | length != 1 -%}{{ return({}) }}{%- endif -%}
    {%- set record = {} -%}
    {%- for name in table.column_names -%}
        {%- do record.update({name: table.rows[0][name]}) -%}
    {%- endfor -%}
    {{ return(record) }}
{% endmacro %}


{#-
    dbt's should_full_refresh (--full-refresh, or the model's full_refresh config),
    and also: an incremental model whose recorded raw inputs differ from this run's,
    or whose SQL file changed since it was built (an upgrade of the project: the rows
    it holds were made by other code), is rebuilt from scratch. A model without a
    record (a new database, or one built before records existed) is taken as
    unchanged.
-#}
{% macro should_full_refresh() %}
    {%- set full_refresh = dbt.should_full_refresh() -%}
    {%- if not full_refresh and execute and model is defined and model is mapping
        and model.get('resource_type') == 'model'
        and model.get('config', {}).get('materialized') == 'incremental' -%}
        {%- set record = recorded_build_state(model.name) -%}
        {%- set recorded = record.get('raw_inputs') -%}
        {%- set current = raw_inputs_signature() -%}
        {%- if record and record.get('model_code') != model.checksum.checksum -%}
            {%- do log(model.name ~ ": its SQL changed since it was last built: rebuilt"
                ~ " from scratch, so that every row it holds is made by this code.",
                info=true) -%}
            {%- set full_refresh = true -%}
        {%- elif recorded is not none and recorded != current -%}
            {%- set was, now = fromjson(recorded), fromjson(current) -%}
            {%- set changes = [] -%}
            {%- for name in now if was.get(name) != now[name] -%}
                {%- do changes.append(name ~ " " ~ tojson(was.get(name)) ~ " -> " ~ tojson(now[name])) -%}
            {%- endfor -%}
            {%- do log(model.name ~ ": the raw inputs changed since it was last built ("
                ~ changes | join(', ') ~ "): rebuilt from scratch, so that it never mixes"
                ~ " two raw histories.", info=true) -%}
            {%- set full_refresh = true -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(full_refresh) }}
{% endmacro %}


{#- on-run-end: records the raw inputs of every incremental model this run built. -#}
{% macro record_raw_inputs(results) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- for result in results
        if result.node.resource_type == 'model'
        and result.node.config.materialized == 'incremental'
        and result.status == 'success' -%}
        {%- set relation = raw_inputs_relation(result.node.name) -%}
        {%- do adapter.create_schema(api.Relation.create(
            database=relation.database, schema=relation.schema)) -%}
        {%- call statement('record_raw_inputs', fetch_result=false, auto_begin=false) -%}
            drop table if exists {{ relation }}
        {%- endcall -%}
        {%- call statement('record_raw_inputs', fetch_result=false, auto_begin=false) -%}
            create table {{ relation }} {{ raw_inputs_table_options() }} as
            select {{ sql_text_literal(raw_inputs_signature()) }} as raw_inputs,
                {{ sql_text_literal(result.node.checksum.checksum) }} as model_code
        {%- endcall -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- What `create table ... as` needs besides the name: nothing, or Spark's file format. -#}
{% macro raw_inputs_table_options() %}
    {{ return(adapter.dispatch('raw_inputs_table_options', 'ecommerce_behavior')()) }}
{% endmacro %}

{% macro default__raw_inputs_table_options() %}
    {{ return('') }}
{% endmacro %}

{% macro spark__raw_inputs_table_options() %}
    {{ return('using parquet') }}
{% endmacro %}
