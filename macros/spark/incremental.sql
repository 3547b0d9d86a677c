{#-
    Incremental models replace whole days (macros/incremental.sql). Spark
    tables in parquet have neither `delete+insert` nor `merge`: the model is
    partitioned by its date column and each run overwrites the partitions (days)
    its new rows fall in, with spark.sql.sources.partitionOverwriteMode=dynamic
    (profiles.yml); the other days are left as they are. That is the same
    "replace the days of the window" as delete+insert keyed on the date.
-#}
{% macro spark__incremental_by_date_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}


{#- The null partition is overwritten with the rest (macros/incremental.sql). -#}
{% macro spark__delete_undated_rows(date_column) -%}
{%- endmacro %}


{#- No row deletes on parquet tables: models incremental by user are rebuilt in full. -#}
{% macro spark__incremental_by_user_materialization() -%}
    {{ return('table') }}
{%- endmacro %}
