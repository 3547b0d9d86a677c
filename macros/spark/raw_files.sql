{#-
    Raw files (raw_path, or the committed sample) on Spark: the Spark versions
    of list_raw_files, create_raw_relation and raw_file_columns (macros/raw/).
    The source relation of a raw file is an external table over the file (csv:
    header, RFC 4180 quotes, quoted line breaks, every column as text; parquet:
    a view casting its columns to text), replaced on every run. The check of
    a file's columns reads it through a temporary view `raw_file__<name>`.
    Statements without a result go through spark_execute (macros/spark/cluster.sql):
    over a Thrift server run_query fails on them.
-#}

{#-
    The files <raw_path>/<table>.<extension> (raw_file_extensions) that exist,
    listed with the binaryFile source (only names are read, never contents;
    Spark's listing leaves out empty, 0-byte files). Returned in the form the
    user wrote raw_path in, like the DuckDB version.
-#}
{% macro spark__list_raw_files(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set folder = raw_folder(raw_contract()[table_name]['family']) -%}
    {%- set view = 'raw_files__' ~ table_name -%}
    {%- do spark_execute(
        "create or replace temporary view " ~ view ~ " using binaryFile options ("
        ~ "path " ~ sql_text_literal(folder) ~ ", "
        ~ "pathGlobFilter '" ~ table_name ~ ".{" ~ raw_file_extensions() | join(',') ~ "}', "
        ~ "recursiveFileLookup 'true')") -%}
    {%- set paths = run_query("select path from " ~ view).columns[0].values() | list -%}
    {#-
        The listing is recursive: keep the files directly in raw_path, i.e. the
        shallowest ones, and, when raw_path is absolute or a URI, only those
        whose folder is raw_path itself.
    -#}
    {%- set depths = [] -%}
    {%- for path in paths -%}
        {%- do depths.append(path.split(':', 1)[-1].strip('/').split('/') | select | list | length) -%}
    {%- endfor -%}
    {%- set folder_key = '/' ~ folder.split(':', 1)[-1].strip('/').split('/') | select | join('/') -%}
    {%- set is_absolute = folder.startswith('/') or ':' in folder -%}
    {%- set found = [] -%}
    {%- for path in paths -%}
        {%- set extension = path.split('/')[-1][table_name | length + 1:] -%}
        {%- set path_key = '/' ~ path.split(':', 1)[-1].strip('/').split('/') | select | join('/') -%}
        {%- if depths[loop.index0] == depths | min
            and (not is_absolute or path_key == folder_key ~ '/' ~ table_name ~ '.' ~ extension)
        -%}
            {%- do found.append(folder.rstrip('/') ~ '/' ~ table_name ~ '.' ~ extension) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found | unique | sort | list) }}
{% endmacro %}


{#-
    The size in bytes of each raw file, from the binaryFile source (its length
    column; the content is not read), one temporary view per file.
-#}
{% macro spark__raw_file_sizes(paths) %}
    {%- set sizes = {} -%}
    {%- for path in paths -%}
        {%- do spark_execute("create or replace temporary view raw_file_size using binaryFile"
            ~ " options (path " ~ sql_text_literal(path) ~ ")") -%}
        {%- set found = run_query("select length from raw_file_size").columns[0].values() | list -%}
        {%- do sizes.update({path: found[0] if found else 0}) -%}
    {%- endfor -%}
    {{ return(sizes) }}
{% endmacro %}


{#-
    How Spark reads a raw file: `using csv options (...)` (with the delimiter of
    raw_csv_delimiter, in the encoding of the var raw_encoding; a .csv.gz file
    is decompressed by its extension) or `using parquet options (...)`.
-#}
{% macro spark_raw_file_options(path) %}
    {%- if path.endswith('.parquet') -%}
        {{ return("using parquet options (path " ~ sql_text_literal(path) ~ ")") }}
    {%- else -%}
        {{ return("using csv options (path " ~ sql_text_literal(path) ~ ", header 'true', "
            ~ "inferSchema 'false', multiLine 'true', quote '\"', escape '\"', "
            ~ "sep " ~ sql_text_literal(raw_csv_delimiter(path)) ~ ", "
            ~ "encoding " ~ sql_text_literal(spark_raw_encoding()) ~ ", mode 'PERMISSIVE')") }}
    {%- endif -%}
{% endmacro %}


{#- The var raw_encoding as a Java charset: DuckDB's name `latin-1` is none; others are passed as they are. -#}
{% macro spark_raw_encoding() %}
    {{ return({'latin-1': 'ISO-8859-1'}.get(var('raw_encoding'), var('raw_encoding'))) }}
{% endmacro %}


{#-
    The first line of a raw csv file: the file read as one column per line (no
    quotes, a delimiter no text holds: U+0001), its first row.
-#}
{% macro spark__raw_file_first_line(path) %}
    {%- set view = 'raw_first_line__' ~ path.split('/')[-1].replace('.', '_') -%}
    {%- do spark_execute("create or replace temporary view " ~ view ~ " using csv options (path "
        ~ sql_text_literal(path) ~ ", header 'false', inferSchema 'false', multiLine 'true',"
        ~ " quote '', sep '\\u0001', encoding " ~ sql_text_literal(spark_raw_encoding()) ~ ")") -%}
    {%- set lines = run_query("select _c0 from " ~ view ~ " limit 1").columns[0].values() | list -%}
    {{ return(lines[0] or '' if lines else '') }}
{% endmacro %}


{#- Create (or replace) the temporary view over a raw file; returns its name. -#}
{% macro spark_raw_file_view(path) %}
    {%- set view = 'raw_file__' ~ path.split('/')[-1].replace('.', '_') -%}
    {%- do spark_execute("create or replace temporary view " ~ view ~ " " ~ spark_raw_file_options(path)) -%}
    {{ return(view) }}
{% endmacro %}


{#-
    The rows of a raw file, and its first line that is not utf-8 when raw_encoding
    is utf-8. Spark's csv reader replaces a byte it cannot decode with U+FFFD
    instead of failing, so the file is also read as lines (the text source, one
    row per line in file order: ids increase along the file; it keeps the bytes
    as they are, so each line is encoded and decoded once, which turns a bad
    byte into U+FFFD) and the first line holding U+FFFD is named, as DuckDB names
    the line it cannot decode. A utf-8 file that really holds U+FFFD is refused too (docs/spark.md).
    Other encodings (latin-1 decodes every byte) have no such line.
-#}
{% macro spark__raw_file_scan(path, delimiter=none) %}
    {%- set view = spark_raw_file_view(path) -%}
    {%- set rows = run_query('select count(*) from ' ~ view).rows[0][0] -%}
    {%- set bad_line = none -%}
    {%- if not path.endswith('.parquet') and spark_raw_encoding() | lower in ['utf-8', 'utf8'] -%}
        {%- set lines = view ~ '__lines' -%}
        {%- do spark_execute("create or replace temporary view " ~ lines ~ " using text options (path "
            ~ sql_text_literal(path) ~ ")") -%}
        {%- set bad_line = run_query("select min(line) from (select value, row_number() over"
            ~ " (order by monotonically_increasing_id()) as line from " ~ lines ~ ")"
            ~ " where instr(decode(encode(value, 'UTF-8'), 'UTF-8'), '\\uFFFD') > 0").rows[0][0] -%}
    {%- endif -%}
    {{ return({'rows': rows, 'bad_line': bad_line}) }}
{% endmacro %}


{% macro spark__raw_file_columns(path, delimiter=none) %}
    {%- set view = spark_raw_file_view(path) -%}
    {%- set empty = run_query('select * from ' ~ view ~ ' limit 0') -%}
    {{ return(empty.column_names | map('lower') | list) }}
{% endmacro %}


{#-
    The source relation over a raw file (`paths`: the one file; a table read
    from a folder of files is DuckDB's only), dropped and created again, every
    column text: a csv file is an external table (read as text); a parquet
    file, whose columns may carry types, a view casting the contract columns
    to text (an `optional` column the file lacks is left out, as a csv file's
    external table lacks it: select_raw_columns reads it as blank).
-#}
{% macro spark__create_raw_relation(relation, paths, columns, optional=[]) %}
    {%- if paths | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            "create_raw_relation: " ~ relation ~ " would read " ~ paths | length ~ " files; on "
            ~ target.type ~ " a raw table is one file (docs/raw_data.md).") }}
    {%- endif -%}
    {%- set path = paths[0] -%}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if existing is not none -%}
        {#- only a view or an external table (what this macro makes) is replaced, never
            a managed table of someone else's in a shared metastore -#}
        {%- set described = run_query("describe table extended " ~ relation) -%}
        {%- set kinds = [] -%}
        {%- for row in described.rows if row[0] == 'Type' -%}
            {%- do kinds.append(row[1] | upper) -%}
        {%- endfor -%}
        {%- if kinds and kinds[0] not in ('VIEW', 'EXTERNAL') -%}
            {{ exceptions.raise_compiler_error(
                relation ~ " exists and is a " ~ kinds[0] ~ " table, not a view or external table"
                ~ " made by this project: move it, or read it in warehouse mode"
                ~ " (*_source_schema) instead of raw files.") }}
        {%- endif -%}
        {%- do adapter.drop_relation(existing) -%}
    {%- endif -%}
    {%- if path.endswith('.parquet') -%}
        {%- set found = spark__raw_file_columns(path) if optional else columns -%}
        {%- set text_columns = [] -%}
        {%- for column in columns if column in found -%}
            {%- do text_columns.append("cast(" ~ column ~ " as string) as " ~ column) -%}
        {%- endfor -%}
        {%- do spark_execute("create view " ~ relation ~ " as select " ~ text_columns | join(', ')
            ~ " from parquet.`" ~ path ~ "`") -%}
    {%- else -%}
        {%- do spark_execute("create table " ~ relation ~ " " ~ spark_raw_file_options(path)) -%}
    {%- endif -%}
{% endmacro %}
