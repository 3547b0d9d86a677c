-- Two readers of the raw files agree: for every table read from files, the rows the
-- raw-file check counted in its files (data_quality_raw_files, file by file) add up
-- to the rows its staging model read (data_quality_audit, step `read`). Returns the
-- tables that differ, and any table with files listed that is not read from files.
-- A table read from the warehouse, or of an optional family that is absent, has no
-- file and no row in data_quality_raw_files.
{%- set from_files = [] %}
{%- for table_name, spec in raw_contract().items()
    if raw_family_enabled(spec['family']) and raw_folder(spec['family']) is not none
        and raw_family_present(spec['family']) %}
    {%- do from_files.append(table_name) %}
{%- endfor %}

with read_from_files as (
    {%- for table_name in from_files %}
    select '{{ table_name }}' as source_table
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select cast(null as {{ dbt.type_string() }}) as source_table
    where 1 = 0
    {%- endfor %}
),

files as (
    select
        source_table,
        sum(rows_read) as rows_in_files
    from {{ ref('data_quality_raw_files') }}
    group by source_table
),

audit as (
    select
        source_table,
        rows_in as rows_read
    from {{ ref('data_quality_audit') }}
    where step_type = 'read'
)

select
    coalesce(read_from_files.source_table, files.source_table) as source_table,
    files.rows_in_files,
    audit.rows_read
from read_from_files
full outer join files
    on read_from_files.source_table = files.source_table
left join audit
    on coalesce(read_from_files.source_table, files.source_table) = audit.source_table
where
    read_from_files.source_table is null
    or files.source_table is null
    or audit.source_table is null
    or files.rows_in_files != audit.rows_read
