{#-
    The raw data contract (docs/raw_data.md) in one place. For each raw table:
    its family, the name its staging models carry (`stg_<staged_as>`,
    `valid_<staged_as>`, `quarantine_<staged_as>`) and its columns, each as
    '<raw column> <kind>' or '<raw column> <kind> as <staged name>'. The kind
    says how staging reads the text (typed_raw_columns): text, id, label,
    integer, money, date, timestamp, boolean; `custom` when the staging model
    reads it itself. A table's `optional` columns may be absent from its
    files or warehouse table: staging then reads them as blank (orders'
    campaign tags). Every table but events has a `key`: its key columns
    (which keep their raw name). The checks on the key (a key column blank or
    unreadable, a duplicate key) are written in the stg_ model's case, in
    order with its other checks (docs/conventions.md). Which row of a key is
    kept (key_copy_number, DECISIONLOG D4b): first by the table's
    `keep_first`, order terms over its typed columns (shopping_carts: the
    latest updated_at, then the furthest status), then the row with the
    fewest blank values, then the smallest by its raw values. Used to read
    files, to check them before a run, to type them, to check their keys, to
    keep rejected rows' raw values and to audit every table. Extra columns in
    a user's file are ignored; a missing one is an error (check_raw_files).
-#}
{% macro raw_contract() %}
    {{ return({
        'customers': {'family': 'commerce', 'staged_as': 'ecom__customers', 'columns': [
            'customer_id text', 'first_name text', 'last_name text', 'email text',
            'phone_number text', 'signup_date date', 'gender label', 'age custom',
            'is_guest boolean as is_guest_value', 'customer_status label',
            'signup_channel label', 'loyalty_tier label', 'initial_loyalty_tier label',
            'email_verified boolean as is_email_verified',
            'marketing_opt_in boolean as is_marketing_opt_in', 'mailing_address text',
            'billing_address text', 'loyalty_enrollment_date date', 'clv_bucket label'],
            'key': ['customer_id']},
        'product_catalog': {'family': 'commerce', 'staged_as': 'ecom__products', 'columns': [
            'product_id id', 'product_name label', 'category label', 'unit_price money',
            'cost_price money', 'inventory_quantity integer'],
            'key': ['product_id']},
        'shopping_carts': {'family': 'commerce', 'staged_as': 'ecom__carts', 'columns': [
            'cart_id text', 'customer_id text', 'created_at timestamp',
            'updated_at timestamp', 'cart_total money', 'status label as status_value'],
            'key': ['cart_id'],
            'keep_first': [
                'updated_at desc nulls last',
                rank_in_list('status_value', ['converted', 'abandoned', 'emptied', 'open'])]},
        'cart_items': {'family': 'commerce', 'staged_as': 'ecom__cart_items', 'columns': [
            'cart_item_id integer', 'cart_id text', 'product_id id',
            'product_name label', 'category label', 'added_at timestamp',
            'quantity integer', 'unit_price money'],
            'key': ['cart_item_id']},
        'orders': {'family': 'commerce', 'staged_as': 'ecom__orders', 'columns': [
            'order_id text', 'total_items integer', 'order_date timestamp as ordered_at',
            'customer_id text', 'email text', 'order_channel label', 'is_expedited boolean',
            'customer_tier label', 'gross_total money', 'net_total money',
            'total_discount_amount money', 'payment_method label', 'shipping_speed label',
            'shipping_cost money', 'agent_id text', 'actual_shipping_cost money',
            'payment_processing_fee money', 'shipping_address text', 'billing_address text',
            'clv_bucket label', 'is_reactivated boolean', 'campaign_id text',
            'utm_campaign text'],
            'key': ['order_id'],
            'optional': ['campaign_id', 'utm_campaign']},
        'order_items': {'family': 'commerce', 'staged_as': 'ecom__order_items', 'columns': [
            'order_id text', 'product_id id', 'product_name label', 'category label',
            'quantity integer', 'unit_price money', 'discount_amount money',
            'cost_price money'],
            'key': ['order_id', 'product_id']},
        'returns': {'family': 'commerce', 'staged_as': 'ecom__returns', 'columns': [
            'return_id text', 'order_id text', 'customer_id text', 'email text',
            'return_date date', 'reason label as return_reason', 'return_type label',
            'refunded_amount money', 'return_channel label', 'agent_id text',
            'refund_method label'],
            'key': ['return_id']},
        'return_items': {'family': 'commerce', 'staged_as': 'ecom__return_items', 'columns': [
            'return_item_id integer', 'return_id text', 'order_id text', 'product_id id',
            'product_name label', 'category label', 'quantity_returned integer',
            'unit_price money', 'cost_price money', 'refunded_amount money'],
            'key': ['return_item_id']},
        'events': {'family': 'events', 'staged_as': 'clickstream__events', 'columns': [
            'event_time custom', 'event_type label', 'product_id id',
            'category_id integer', 'category_code label', 'brand label', 'price money',
            'user_id integer', 'user_session text']},
        'campaigns': {'family': 'marketing', 'staged_as': 'marketing__campaigns', 'columns': [
            'campaign_id text', 'campaign_name text', 'channel label', 'start_date date',
            'end_date date', 'budget money'],
            'key': ['campaign_id']},
        'campaign_spend': {'family': 'marketing', 'staged_as': 'marketing__campaign_spend',
            'columns': [
            'date date as spend_date', 'campaign_id text', 'spend money', 'impressions integer',
            'clicks integer'],
            'key': ['campaign_id', 'date']},
    }) }}
{% endmacro %}


{#- The raw column names of a table, in contract order. -#}
{% macro raw_column_names(table_name) %}
    {%- set names = [] -%}
    {%- for spec in raw_contract()[table_name]['columns'] -%}
        {%- do names.append(spec.split(' ')[0]) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{#-
    The typed columns of a raw table for its stg_ model, as a select list:
    `parse_<kind>(raw_<column>) as <staged name>, ...` for every contract column
    but the `custom` ones (the staging model types those itself).
-#}
{% macro typed_raw_columns(table_name) %}
    {%- set typed = [] -%}
    {%- for spec in raw_contract()[table_name]['columns'] -%}
        {%- set words = spec.split(' ') -%}
        {%- if words[1] != 'custom' -%}
            {%- set staged_name = words[3] if words | length == 4 else words[0] -%}
            {%- do typed.append(parse_raw_column(words[1], words[0]) ~ ' as ' ~ staged_name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(typed | join(',\n        ')) }}
{% endmacro %}


{#-
    The SQL that reads the text of a raw column (`raw_<column>`) as its kind:
    the one parser of each kind, for the typed columns and the key. Money
    reads its number_text from `raw_<column>__number`, which select_raw_rows
    adds.
-#}
{% macro parse_raw_column(kind, column) %}
    {%- if kind == 'money' -%}
        {{ return(parse_money('raw_' ~ column, 'raw_' ~ column ~ '__number')) }}
    {%- endif -%}
    {%- set parsers = {
        'text': clean_text, 'id': parse_id, 'label': normalize_label, 'integer': parse_integer,
        'date': parse_date, 'timestamp': parse_timestamp, 'boolean': parse_boolean} -%}
    {{ return(parsers[kind]('raw_' ~ column)) }}
{% endmacro %}


{#-
    Where a raw table is read from, as a reader finds it: its file (in raw_path
    or the committed sample), or the warehouse table.
-#}
{% macro raw_table_label(table_name) %}
    {%- set family = raw_contract()[table_name]['family'] -%}
    {%- if raw_folder(family) is not none -%}
        {{ return(raw_file_path(table_name)) }}
    {%- endif -%}
    {{ return(source(raw_source_name(family), table_name) | string) }}
{% endmacro %}


{#- The kind of each column of a raw table, by raw column name. -#}
{% macro raw_column_kinds(table_name) %}
    {%- set kinds = {} -%}
    {%- for spec in raw_contract()[table_name]['columns'] -%}
        {%- do kinds.update({spec.split(' ')[0]: spec.split(' ')[1]}) -%}
    {%- endfor -%}
    {{ return(kinds) }}
{% endmacro %}


{#- Is the family of this raw table switched on (enable_commerce / enable_events)? -#}
{% macro raw_family_enabled(family) %}
    {{ return(var('enable_' ~ family, true) | string | lower not in ['false', '0', 'no']) }}
{% endmacro %}
