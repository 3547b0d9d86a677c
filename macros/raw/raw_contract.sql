{#-
    The raw data contract (docs/raw_data.md) in one place:
    for each raw table, its family and the columns the project reads. Used to
    read files, to check them before a run, and to keep rejected rows' raw
    values. Extra columns in a user's file are ignored; a missing one is an
    error (see check_raw_files).
-#}
{% macro raw_contract() %}
    {{ return({
        'customers': {'family': 'commerce', 'columns': [
            'customer_id', 'first_name', 'last_name', 'email', 'phone_number',
            'signup_date', 'gender', 'age', 'is_guest', 'customer_status',
            'signup_channel', 'loyalty_tier', 'initial_loyalty_tier',
            'email_verified', 'marketing_opt_in', 'mailing_address',
            'billing_address', 'loyalty_enrollment_date', 'clv_bucket']},
        'product_catalog': {'family': 'commerce', 'columns': [
            'product_id', 'product_name', 'category', 'unit_price', 'cost_price',
            'inventory_quantity']},
        'shopping_carts': {'family': 'commerce', 'columns': [
            'cart_id', 'customer_id', 'created_at', 'updated_at', 'cart_total',
            'status']},
        'cart_items': {'family': 'commerce', 'columns': [
            'cart_item_id', 'cart_id', 'product_id', 'product_name', 'category',
            'added_at', 'quantity', 'unit_price']},
        'orders': {'family': 'commerce', 'columns': [
            'order_id', 'total_items', 'order_date', 'customer_id', 'email',
            'order_channel', 'is_expedited', 'customer_tier', 'gross_total',
            'net_total', 'total_discount_amount', 'payment_method',
            'shipping_speed', 'shipping_cost', 'agent_id', 'actual_shipping_cost',
            'payment_processing_fee', 'shipping_address', 'billing_address',
            'clv_bucket', 'is_reactivated']},
        'order_items': {'family': 'commerce', 'columns': [
            'order_id', 'product_id', 'product_name', 'category', 'quantity',
            'unit_price', 'discount_amount', 'cost_price']},
        'returns': {'family': 'commerce', 'columns': [
            'return_id', 'order_id', 'customer_id', 'email', 'return_date',
            'reason', 'return_type', 'refunded_amount', 'return_channel',
            'agent_id', 'refund_method']},
        'return_items': {'family': 'commerce', 'columns': [
            'return_item_id', 'return_id', 'order_id', 'product_id',
            'product_name', 'category', 'quantity_returned', 'unit_price',
            'cost_price', 'refunded_amount']},
        'events': {'family': 'events', 'columns': [
            'event_time', 'event_type', 'product_id', 'category_id',
            'category_code', 'brand', 'price', 'user_id', 'user_session']},
    }) }}
{% endmacro %}


{#- Is the family of this raw table switched on (enable_commerce / enable_events)? -#}
{% macro raw_family_enabled(family) %}
    {{ return(var('enable_' ~ family, true) | string | lower not in ['false', '0', 'no']) }}
{% endmacro %}
