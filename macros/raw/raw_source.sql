{#-
    Where the raw tables come from, in this order (docs/overview.md, "Where the
    raw data comes from"):
      1. var raw_path: the files <raw_path>/<table>.csv or <table>.parquet;
      2. var <family>_source_schema: tables already in the warehouse;
      3. otherwise the committed sample: the files data/sample/<table>.csv.
    Staging reads every raw table with source() in every mode: in warehouse mode
    the sources point at the user's tables; otherwise create_raw_relations()
    (on-run-start) exposes the files as the source relations, in schema `raw`
    under the table names (`raw.customers`, ..., `raw.events`).
-#}

{#- The folder a family's raw files are read from; none in warehouse mode. -#}
{% macro raw_folder(family) %}
    {%- if var('raw_path', none) is not none -%}
        {{ return(server_raw_folder(var('raw_path') | string)) }}
    {%- elif var(family ~ '_source_schema', none) is not none -%}
        {{ return(none) }}
    {%- else -%}
        {{ return(server_raw_folder(committed_sample_folder())) }}
    {%- endif -%}
{% endmacro %}


{#-
    The committed sample (output of scripts/generate_data.py): data/sample in the
    project folder, wherever dbt is started from (dbt's programmatic runner does
    not change into the project folder).
-#}
{% macro committed_sample_folder() %}
    {{ return((invocation_args_dict.get('project_dir') or '.') ~ '/data/sample') }}
{% endmacro %}


{#- The dbt source that holds a family's raw tables. -#}
{% macro raw_source_name(family) %}
    {{ return({'commerce': 'ecom', 'events': 'clickstream'}[family]) }}
{% endmacro %}


{#-
    Runs once before every dbt command (on-run-start), after check_raw_files:
    each raw table of an enabled family that is read from a file becomes its
    source relation (a view on DuckDB, an external table on Spark), so that
    source() finds it.
-#}
{% macro create_raw_relations() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- for table_name, spec in raw_contract().items() -%}
        {%- if raw_family_enabled(spec['family']) and raw_folder(spec['family']) is not none -%}
            {%- set relation = source(raw_source_name(spec['family']), table_name) -%}
            {%- if relation.schema != 'raw' -%}
                {{ exceptions.raise_compiler_error(
                    "create_raw_relations: the source of " ~ table_name ~ " is " ~ relation
                    ~ ", not in schema raw; raw files are exposed in raw only.") }}
            {%- endif -%}
            {%- do adapter.create_schema(api.Relation.create(
                database=relation.database, schema=relation.schema)) -%}
            {%- do create_raw_relation(relation, raw_file_path(table_name), raw_column_names(table_name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- Create (or replace) `relation` over the raw file at `path`, with every contract column. -#}
{% macro create_raw_relation(relation, path, columns) %}
    {{ return(adapter.dispatch('create_raw_relation', 'ecommerce_behavior')(relation, path, columns)) }}
{% endmacro %}

{% macro default__create_raw_relation(relation, path, columns) %}
    {{ not_supported_on_adapter('create_raw_relation') }}
{% endmacro %}

{#-
    Every column of the relation is text, as the raw contract reads it: a csv is
    read as text, a parquet file's columns are cast to text (unit tests of the
    staging models mock the source with text fixtures).
-#}
{% macro duckdb__create_raw_relation(relation, path, columns) %}
    {%- set text_columns = [] -%}
    {%- for column in columns -%}
        {%- do text_columns.append("cast(" ~ column ~ " as varchar) as " ~ column) -%}
    {%- endfor -%}
    {%- do run_query(
        "create or replace view " ~ relation ~ " as select "
        ~ text_columns | join(', ') ~ " from " ~ duckdb_raw_file_reader(path)) -%}
{% endmacro %}


{#-
    How DuckDB reads a raw file: read_parquet, or read_csv with the header, every
    column as text, the delimiter of raw_csv_delimiter and the encoding of the
    var raw_encoding (a .csv.gz or .csv.zst file is decompressed by its
    extension), plus `options`.
-#}
{% macro duckdb_raw_file_reader(path, options='') %}
    {%- if path.endswith('.parquet') -%}
        {{ return("read_parquet(" ~ sql_text_literal(path) ~ ")") }}
    {%- endif -%}
    {{ return("read_csv(" ~ sql_text_literal(path) ~ ", header = true, all_varchar = true, delim = "
        ~ sql_text_literal(raw_csv_delimiter(path)) ~ ", encoding = "
        ~ sql_text_literal(var('raw_encoding')) ~ (', ' ~ options if options else '') ~ ")") }}
{% endmacro %}


{#-
    The delimiter of a raw csv file: the var raw_csv_delimiter when it is one
    character; with 'auto' (the default), the one of `,`, `;`, tab and `|`
    that the file's first line, its header, holds most often (the first of
    them on a tie; `,` when it holds none). The contract's column names hold
    none of them, so a header of contract columns shows its delimiter
    whatever the rows hold (decimal commas, quoted text). Stops with a message
    when the var is neither 'auto' nor one character.
-#}
{% macro raw_csv_delimiter(path) %}
    {%- set value = var('raw_csv_delimiter') | string -%}
    {%- if value != 'auto' and value | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "var raw_csv_delimiter = '" ~ value ~ "' is neither 'auto' nor one character such as"
            ~ " ';' (docs/raw_data.md, \"Delimiters\")") }}
    {%- endif -%}
    {%- if value != 'auto' -%}
        {{ return(value) }}
    {%- endif -%}
    {%- set header = raw_file_first_line(path) if execute else '' -%}
    {%- set found = namespace(delimiter=',', count=0) -%}
    {%- for candidate in [',', ';', '\t', '|'] -%}
        {%- if header.count(candidate) > found.count -%}
            {%- set found.delimiter = candidate -%}
            {%- set found.count = header.count(candidate) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found.delimiter) }}
{% endmacro %}


{#- The first line of a raw csv file, as text ('' for an empty file), in the encoding of raw_encoding. -#}
{% macro raw_file_first_line(path) %}
    {{ return(adapter.dispatch('raw_file_first_line', 'ecommerce_behavior')(path)) }}
{% endmacro %}

{% macro default__raw_file_first_line(path) %}
    {{ not_supported_on_adapter('raw_file_first_line') }}
{% endmacro %}

{#-
    read_csv without sniffing, one column per line (no quotes, a delimiter no text
    holds), one buffer; a line that is not in raw_encoding is skipped here (the
    check's scan names it, raw_file_scan).
-#}
{% macro duckdb__raw_file_first_line(path) %}
    {%- set lines = run_query(
        "select line from read_csv(" ~ sql_text_literal(path) ~ ", header = false,"
        ~ " auto_detect = false, columns = {'line': 'varchar'}, delim = chr(1), quote = '',"
        ~ " escape = '', buffer_size = 1048576, ignore_errors = true, encoding = "
        ~ sql_text_literal(var('raw_encoding')) ~ ") limit 1").columns[0].values() | list -%}
    {{ return(lines[0] or '' if lines else '') }}
{% endmacro %}


{#- The file of a raw table in its folder, of any form (check_raw_files rejects several or none). -#}
{% macro raw_file_path(table_name) %}
    {%- set found = list_raw_files(table_name) -%}
    {%- if found | length == 1 -%}
        {{ return(found[0]) }}
    {%- else -%}
        {#- at parse time, or when the check has already failed: a placeholder -#}
        {{ return(raw_folder(raw_contract()[table_name]['family']) ~ '/' ~ table_name ~ '.csv') }}
    {%- endif -%}
{% endmacro %}


{#-
    The forms a raw file may take, as the extension after `<table>.`: csv,
    compressed csv (the engine decompresses it by its extension), parquet.
-#}
{% macro raw_file_extensions() %}
    {{ return(adapter.dispatch('raw_file_extensions', 'ecommerce_behavior')()) }}
{% endmacro %}

{% macro default__raw_file_extensions() %}
    {{ return(['csv', 'parquet']) }}
{% endmacro %}

{#- zstd is built into DuckDB: a .csv.zst file needs no extension -#}
{% macro duckdb__raw_file_extensions() %}
    {{ return(['csv', 'csv.gz', 'csv.zst', 'parquet']) }}
{% endmacro %}

{#- Hadoop's gzip codec is built in; its zstd codec needs native libraries -#}
{% macro spark__raw_file_extensions() %}
    {{ return(['csv', 'csv.gz', 'parquet']) }}
{% endmacro %}


{#- The files <folder>/<table>.<extension> that exist, one per raw_file_extensions(). -#}
{% macro list_raw_files(table_name) %}
    {{ return(adapter.dispatch('list_raw_files', 'ecommerce_behavior')(table_name)) }}
{% endmacro %}

{% macro default__list_raw_files(table_name) %}
    {{ not_supported_on_adapter('list_raw_files') }}
{% endmacro %}

{% macro duckdb__list_raw_files(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set base = raw_folder(raw_contract()[table_name]['family']) ~ '/' ~ table_name -%}
    {%- set globs = [] -%}
    {%- for extension in raw_file_extensions() -%}
        {%- do globs.append("select file from glob(" ~ sql_text_literal(base ~ "." ~ extension) ~ ")") -%}
    {%- endfor -%}
    {{ return(run_query(globs | join(' union all ') ~ ' order by file').columns[0].values() | list) }}
{% endmacro %}
