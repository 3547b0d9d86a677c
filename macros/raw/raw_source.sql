{#-
    Where the raw tables come from, in this order (docs/overview.md, "Where the
    raw data comes from"):
      1. var raw_path: the files <raw_path>/<table>.csv or <table>.parquet, or
         every file of the folder <raw_path>/<table>/ (raw_table_files);
      2. var <family>_source_schema: tables already in the warehouse;
      3. otherwise the committed sample: the files data/sample/<table>.csv.
    Staging reads every raw table with source() in every mode: in warehouse mode
    the sources point at the user's tables; otherwise create_raw_relations()
    (on-run-start) exposes the files as the source relations, in schema `raw`
    under the table names (`raw.customers`, ..., `raw.events`).
-#}

{#-
    The folder a family's raw files are read from; none in warehouse mode, and
    for the optional marketing family when the commerce family is read from
    the warehouse and marketing_source_schema is not set: campaigns go with
    the orders they tag, never the committed sample's beside a warehouse's
    orders (the family is then absent, raw_family_present).
-#}
{% macro raw_folder(family) %}
    {%- if var('raw_path', none) is not none -%}
        {{ return(server_raw_folder(var('raw_path') | string)) }}
    {%- elif var(family ~ '_source_schema', none) is not none -%}
        {{ return(none) }}
    {%- elif family == 'marketing' and var('commerce_source_schema', none) is not none -%}
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
    {{ return({'commerce': 'ecom', 'events': 'clickstream', 'marketing': 'marketing'}[family]) }}
{% endmacro %}


{#-
    Is a family optional: built empty when its files are absent, instead of
    stopping the run (the marketing family; docs/raw_data.md)?
-#}
{% macro raw_family_is_optional(family) %}
    {{ return(family == 'marketing') }}
{% endmacro %}


{#-
    Are a family's raw tables there to read (at run time)? Always for the
    commerce and clickstream families (check_raw_files names a missing file).
    The optional marketing family is present in warehouse mode
    (marketing_source_schema), or when its raw folder holds a file or a folder
    of any of its tables; when absent, its source relations are empty
    (create_raw_relations) and its marts are built empty.
-#}
{% macro raw_family_present(family) %}
    {%- if not raw_family_is_optional(family) -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if var(family ~ '_source_schema', none) is not none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if raw_folder(family) is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- for table_name, spec in raw_contract().items() if spec['family'] == family -%}
        {%- if list_raw_files(table_name) or list_raw_folder_files(table_name) -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}


{#- The contract columns a raw table must have: all but its `optional` ones. -#}
{% macro required_raw_column_names(table_name) %}
    {{ return(raw_column_names(table_name)
        | reject('in', raw_contract()[table_name].get('optional', [])) | list) }}
{% endmacro %}


{#-
    Runs once before every dbt command (on-run-start), after check_raw_files:
    each raw table of an enabled family that is read from a file becomes its
    source relation (a view on DuckDB, an external table on Spark), so that
    source() finds it. The tables of an optional family that is absent
    (raw_family_present) become empty views with the contract columns.
-#}
{% macro create_raw_relations() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- for table_name, spec in raw_contract().items() if raw_family_enabled(spec['family']) -%}
        {%- set present = raw_family_present(spec['family']) -%}
        {%- if raw_folder(spec['family']) is not none or not present -%}
            {%- set relation = source(raw_source_name(spec['family']), table_name) -%}
            {%- if relation.schema != 'raw' -%}
                {{ exceptions.raise_compiler_error(
                    "create_raw_relations: the source of " ~ table_name ~ " is " ~ relation
                    ~ ", not in schema raw; raw files are exposed in raw only.") }}
            {%- endif -%}
            {%- do adapter.create_schema(api.Relation.create(
                database=relation.database, schema=relation.schema)) -%}
            {%- if present -%}
                {%- do create_raw_relation(relation, raw_table_files(table_name),
                    raw_column_names(table_name), raw_contract()[table_name].get('optional', [])) -%}
            {%- else -%}
                {%- do create_empty_raw_relation(relation, raw_column_names(table_name)) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#-
    Create (or replace) `relation` over the raw files at `paths` (one file, or
    the files of a table's folder), with every contract column (`columns`);
    those of `optional` may be absent from the files.
-#}
{% macro create_raw_relation(relation, paths, columns, optional=[]) %}
    {{ return(adapter.dispatch('create_raw_relation', 'ecommerce_behavior')(relation, paths, columns, optional)) }}
{% endmacro %}

{% macro default__create_raw_relation(relation, paths, columns, optional=[]) %}
    {{ not_supported_on_adapter('create_raw_relation') }}
{% endmacro %}

{#-
    Every column of the relation is text, as the raw contract reads it: a csv is
    read as text, a parquet file's columns are cast to text (unit tests of the
    staging models mock the source with text fixtures). An optional column
    that no file has is a column of nulls.
-#}
{% macro duckdb__create_raw_relation(relation, paths, columns, optional=[]) %}
    {%- do run_query("create or replace view " ~ relation ~ " as "
        ~ duckdb_raw_files_select(paths, columns, optional)) -%}
{% endmacro %}


{#-
    Create (or replace) `relation` as an empty view with `columns` as text: the
    source relation of a table of an optional family that is absent.
-#}
{% macro create_empty_raw_relation(relation, columns) %}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if existing is not none -%}
        {%- do adapter.drop_relation(existing) -%}
    {%- endif -%}
    {%- set nulls = [] -%}
    {%- for column in columns -%}
        {%- do nulls.append("cast(null as " ~ dbt.type_string() ~ ") as " ~ column) -%}
    {%- endfor -%}
    {%- do run_query("create view " ~ relation ~ " as select " ~ nulls | join(', ') ~ " where 1 = 0") -%}
{% endmacro %}


{#-
    A select of `columns` as text from the raw files `paths` (one file, or the
    files of a table's folder). The files of a folder are read together by
    name (their columns may come in any order, extra columns are left out):
    one reader for the parquet files and one for the csv files of each
    delimiter, their rows put together with union all. `with_filename`: the
    column `filename` too, each row's file (raw_events_file_facts).
-#}
{% macro duckdb_raw_files_select(paths, columns, optional=[], with_filename=false) %}
    {%- set csv_paths = [] -%}
    {%- for path in paths if not path.endswith('.parquet') -%}
        {%- do csv_paths.append(path) -%}
    {%- endfor -%}
    {%- set delimiters = raw_csv_delimiters(csv_paths) -%}
    {%- set groups = {} -%}
    {%- for path in paths -%}
        {%- set form = 'parquet' if path.endswith('.parquet') else delimiters[path] -%}
        {%- do groups.setdefault(form, []).append(path) -%}
    {%- endfor -%}
    {%- set selects = [] -%}
    {%- for form in groups | sort -%}
        {%- set reader = duckdb_raw_file_reader(groups[form] if groups[form] | length > 1 else groups[form][0],
            'filename = true' if with_filename else '', none if form == 'parquet' else form) -%}
        {%- set found = run_query("select * from " ~ reader ~ " limit 0").column_names
            | map('lower') | list if optional else columns -%}
        {%- set text_columns = ['filename'] if with_filename else [] -%}
        {%- for column in columns -%}
            {%- do text_columns.append(("cast(" ~ column ~ " as varchar)" if column in found
                else "cast(null as varchar)") ~ " as " ~ column) -%}
        {%- endfor -%}
        {%- do selects.append("select " ~ text_columns | join(', ') ~ " from " ~ reader) -%}
    {%- endfor -%}
    {{ return(selects | join(' union all ')) }}
{% endmacro %}


{#-
    How DuckDB reads a raw file: read_parquet, or read_csv with the header, every
    column as text, the delimiter of raw_csv_delimiter and the encoding of the
    var raw_encoding (a .csv.gz or .csv.zst file is decompressed by its
    extension), plus `options`. `path` may also be a list of files of one form
    (parquet, or csv with one delimiter), read together by column name.
    `delimiter`: the csv delimiter when the caller knows it already; `by_name`
    false: files that share their header, read by position (store_rejects
    needs it).
-#}
{% macro duckdb_raw_file_reader(path, options='', delimiter=none, by_name=true) %}
    {%- set several = path is not string -%}
    {%- set first = path[0] if several else path -%}
    {%- set literals = [] -%}
    {%- for file in (path if several else [path]) -%}
        {%- do literals.append(sql_text_literal(file)) -%}
    {%- endfor -%}
    {%- set target_files = '[' ~ literals | join(', ') ~ ']' if several else literals[0] -%}
    {%- set by_name = ', union_by_name = true' if several and by_name else '' -%}
    {%- if first.endswith('.parquet') -%}
        {{ return("read_parquet(" ~ target_files ~ by_name ~ (', ' ~ options if options else '') ~ ")") }}
    {%- endif -%}
    {{ return("read_csv(" ~ target_files ~ ", header = true, all_varchar = true, delim = "
        ~ sql_text_literal(delimiter or raw_csv_delimiter(first)) ~ ", encoding = "
        ~ sql_text_literal(var('raw_encoding')) ~ by_name ~ (', ' ~ options if options else '') ~ ")") }}
{% endmacro %}


{#-
    The delimiter of a raw csv file: the var raw_csv_delimiter when it is one
    character; with 'auto' (the default), the one of `,`, `;`, tab and `|`
    that the file's first line, its header, holds most often (the first of
    them on a tie; `,` when it holds none). The contract's column names hold
    none of them, so a header of contract columns shows its delimiter
    whatever the rows hold (decimal commas, quoted text). Stops with a message
    when the var is neither 'auto' nor one character. `header`: the file's first
    line when the caller has read it already.
-#}
{% macro raw_csv_delimiter(path, header=none) %}
    {%- set value = var('raw_csv_delimiter') | string -%}
    {%- if value != 'auto' and value | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "var raw_csv_delimiter = '" ~ value ~ "' is neither 'auto' nor one character such as"
            ~ " ';' (docs/raw_data.md, \"Delimiters\")") }}
    {%- endif -%}
    {%- if value != 'auto' -%}
        {{ return(value) }}
    {%- endif -%}
    {%- if header is none -%}
        {%- set header = raw_file_first_line(path) if execute else '' -%}
    {%- endif -%}
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
    holds), one buffer, on one thread: the profile's preserve_insertion_order =
    false lets a parallel read's `limit 1` return any line of the file
    (DECISIONLOG L4); a line that is not in raw_encoding is skipped here (the
    check's scan names it, raw_file_scan).
-#}
{% macro duckdb__raw_file_first_line(path) %}
    {{ return(raw_files_first_lines([path])[path]) }}
{% endmacro %}


{#-
    The first line of each of the raw csv files `paths`: {path: line}, as
    raw_file_first_line reads it. On DuckDB one query reads them all (a table
    of daily files has hundreds).
-#}
{% macro raw_files_first_lines(paths) %}
    {{ return(adapter.dispatch('raw_files_first_lines', 'ecommerce_behavior')(paths)) }}
{% endmacro %}

{% macro default__raw_files_first_lines(paths) %}
    {%- set lines = {} -%}
    {%- for path in paths -%}
        {%- do lines.update({path: raw_file_first_line(path)}) -%}
    {%- endfor -%}
    {{ return(lines) }}
{% endmacro %}

{% macro duckdb__raw_files_first_lines(paths) %}
    {%- set lines = {} -%}
    {%- set selects = [] -%}
    {%- for path in paths -%}
        {%- do lines.update({path: ''}) -%}
        {%- do selects.append(
            "select " ~ loop.index0 ~ " as file_index, line from (select line from read_csv("
            ~ sql_text_literal(path) ~ ", header = false, auto_detect = false,"
            ~ " columns = {'line': 'varchar'}, delim = chr(1), quote = '', escape = '',"
            ~ " buffer_size = 1048576, ignore_errors = true, parallel = false, encoding = "
            ~ sql_text_literal(var('raw_encoding')) ~ ") limit 1)") -%}
    {%- endfor -%}
    {%- if selects and execute -%}
        {%- for row in run_query(selects | join(' union all ')).rows -%}
            {%- do lines.update({paths[row[0]]: row[1] or ''}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(lines) }}
{% endmacro %}


{#- The delimiter of each of the raw csv files `paths` (raw_csv_delimiter): {path: delimiter}. -#}
{% macro raw_csv_delimiters(paths) %}
    {%- set headers = raw_files_first_lines(paths) if var('raw_csv_delimiter') | string == 'auto' else {} -%}
    {%- set delimiters = {} -%}
    {%- for path in paths -%}
        {%- do delimiters.update({path: raw_csv_delimiter(path, headers.get(path, ''))}) -%}
    {%- endfor -%}
    {{ return(delimiters) }}
{% endmacro %}


{#-
    How a reader names where a raw table comes from: its one file, or its folder
    (`<raw folder>/<table>/`) when it is delivered as a folder of files.
-#}
{% macro raw_file_path(table_name) %}
    {%- set found = list_raw_files(table_name) -%}
    {%- if found | length == 1 -%}
        {{ return(found[0]) }}
    {%- elif list_raw_folder_files(table_name) -%}
        {{ return(raw_table_folder(table_name) ~ '/') }}
    {%- else -%}
        {#- at parse time, or when the check has already failed: a placeholder -#}
        {{ return(raw_folder(raw_contract()[table_name]['family']) ~ '/' ~ table_name ~ '.csv') }}
    {%- endif -%}
{% endmacro %}


{#-
    The files a raw table is read from: its one file <folder>/<table>.<extension>,
    or else the files of its folder <folder>/<table>/ in a raw file form (empty
    files left out: they hold no row). check_raw_files stops the run before this
    is used on anything else (both forms, several single files, a file of the
    folder that cannot be read).
-#}
{% macro raw_table_files(table_name) %}
    {%- set single = list_raw_files(table_name) -%}
    {%- if single -%}
        {{ return(single[:1]) }}
    {%- endif -%}
    {%- set readable = [] -%}
    {%- for file in list_raw_folder_files(table_name) if is_raw_file_name(file) -%}
        {%- do readable.append(file) -%}
    {%- endfor -%}
    {%- set found = [] -%}
    {%- for file, size in raw_file_sizes(readable) | dictsort if size > 0 -%}
        {%- do found.append(file) -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{#- The folder that holds a raw table delivered as many files: <raw folder>/<table>. -#}
{% macro raw_table_folder(table_name) %}
    {{ return(raw_folder(raw_contract()[table_name]['family']).rstrip('/') ~ '/' ~ table_name) }}
{% endmacro %}


{#- Is this file's name one of a raw file form (raw_file_extensions)? -#}
{% macro is_raw_file_name(path) %}
    {%- set name = path.split('/')[-1] -%}
    {%- for extension in raw_file_extensions() if name.endswith('.' ~ extension) and name != '.' ~ extension -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
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

{#-
    Every file in the folder <raw folder>/<table>/ and its subfolders, sorted,
    hidden ones (a name starting with `.`) left out: the files a table delivered
    as a folder is read from, and any other file there (check_raw_files names
    it). Empty when there is no such folder.
-#}
{% macro list_raw_folder_files(table_name) %}
    {{ return(adapter.dispatch('list_raw_folder_files', 'ecommerce_behavior')(table_name)) }}
{% endmacro %}

{#- Engines that do not read a table from a folder (raw_table_folders_read) list nothing. -#}
{% macro default__list_raw_folder_files(table_name) %}
    {{ return([]) }}
{% endmacro %}


{#-
    Does this engine read a raw table delivered as a folder of files? DuckDB
    does; on Spark a table is one file (a folder reads as no file), and the
    check's messages say so.
-#}
{% macro raw_table_folders_read() %}
    {{ return(adapter.dispatch('raw_table_folders_read', 'ecommerce_behavior')()) }}
{% endmacro %}

{% macro default__raw_table_folders_read() %}
    {{ return(false) }}
{% endmacro %}

{% macro duckdb__raw_table_folders_read() %}
    {{ return(true) }}
{% endmacro %}

{% macro duckdb__list_raw_folder_files(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set base = raw_table_folder(table_name) -%}
    {%- set listed = run_query("select file from glob(" ~ sql_text_literal(base ~ '/**') ~ ") order by file")
        .columns[0].values() | list -%}
    {%- set found = [] -%}
    {%- for file in listed -%}
        {%- set hidden = [] -%}
        {%- for part in file[base | length + 1:].split('/') if part.startswith('.') -%}
            {%- do hidden.append(part) -%}
        {%- endfor -%}
        {%- if not hidden -%}{%- do found.append(file) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{#- The size in bytes of each of the files `paths`: {path: bytes}. -#}
{% macro raw_file_sizes(paths) %}
    {{ return(adapter.dispatch('raw_file_sizes', 'ecommerce_behavior')(paths)) }}
{% endmacro %}

{#- no engine other than DuckDB lists a table's folder (list_raw_folder_files), so it asks for no size -#}
{% macro default__raw_file_sizes(paths) %}
    {%- if not paths -%}{{ return({}) }}{%- endif -%}
    {{ not_supported_on_adapter('raw_file_sizes') }}
{% endmacro %}

{#- read_blob without its content column reads the files' sizes only -#}
{% macro duckdb__raw_file_sizes(paths) %}
    {{ return(duckdb_read_blob_values(paths, 'size')) }}
{% endmacro %}


{#-
    One value of each of the files `paths`, read with DuckDB's read_blob in one
    query: {path: value of `expression`} (an SQL expression on read_blob's columns:
    size and last_modified read the files' metadata only; content reads their bytes).
-#}
{% macro duckdb_read_blob_values(paths, expression) %}
    {%- if not paths -%}{{ return({}) }}{%- endif -%}
    {%- set literals = [] -%}
    {%- for path in paths -%}
        {%- do literals.append(sql_text_literal(path)) -%}
    {%- endfor -%}
    {%- set found = {} -%}
    {%- for row in run_query("select filename, " ~ expression ~ " from read_blob(["
        ~ literals | join(', ') ~ "])").rows -%}
        {%- do found.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {{ return(found) }}
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
