{#-
    What differs on a Spark cluster reached through a Thrift server (target
    spark_cluster, dbt-spark `method: thrift`) from Spark in dbt's own process
    (target spark, `method: session`), in one place (DECISIONLOG S5):
      - statements without a result (create view, create table ... using, temporary
        views) must not be fetched: over Thrift run_query fails on them
        ("'NoneType' object is not iterable"); spark_execute runs them on both;
      - raw files are read by the server and its executors, not by dbt: a relative
        raw folder would be resolved in the server's working folder, so it is
        refused with a message (spark__server_raw_folder).
    Everything else (seeds, parquet tables, insert_overwrite, temporary views of
    incremental runs, the metastore) is the same on both methods.
-#}

{#- True when dbt talks to a Spark server (thrift, http, odbc), not a Spark in its own process. -#}
{% macro spark_is_remote() %}
    {{ return(target.type == 'spark' and target.method != 'session') }}
{% endmacro %}


{#- Runs a statement that returns no rows (DDL), without fetching a result. -#}
{% macro spark_execute(sql) %}
    {%- call statement('spark_execute', fetch_result=False, auto_begin=False) -%}
        {{ sql }}
    {%- endcall -%}
{% endmacro %}


{#- The folder raw files are read from, as the engine will read it (raw_folder). -#}
{% macro server_raw_folder(folder) %}
    {{ return(adapter.dispatch('server_raw_folder')(folder)) }}
{% endmacro %}

{% macro default__server_raw_folder(folder) %}
    {{ return(folder) }}
{% endmacro %}

{% macro spark__server_raw_folder(folder) %}
    {%- if spark_is_remote() and not (folder.startswith('/') or ':' in folder) -%}
        {{ exceptions.raise_compiler_error(
            "raw_path '" ~ folder ~ "' is relative, and target " ~ target.name ~ " reads raw files"
            ~ " on the Spark server " ~ target.host ~ ":" ~ target.port ~ ", where it would be"
            ~ " resolved in the server's own working folder: give an absolute path or a URI"
            ~ " every executor can read (s3a://..., abfss://..., hdfs://...), or run dbt with"
            ~ " an absolute --project-dir for the committed sample.") }}
    {%- endif -%}
    {{ return(folder) }}
{% endmacro %}
