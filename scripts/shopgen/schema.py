"""The output contract: the nine raw tables and their columns, in file order.

Every column is written as text (CSV) or as a Parquet STRING column.
"""

TABLE_COLUMNS: dict[str, list[str]] = {
    "customers": [
        "customer_id", "first_name", "last_name", "email", "phone_number", "signup_date",
        "gender", "age", "is_guest", "customer_status", "signup_channel", "loyalty_tier",
        "initial_loyalty_tier", "email_verified", "marketing_opt_in", "mailing_address",
        "billing_address", "loyalty_enrollment_date", "clv_bucket",
    ],
    "product_catalog": [
        "product_id", "product_name", "category", "unit_price", "cost_price", "inventory_quantity",
    ],
    "shopping_carts": [
        "cart_id", "customer_id", "created_at", "updated_at", "cart_total", "status",
    ],
    "cart_items": [
        "cart_item_id", "cart_id", "product_id", "product_name", "category", "added_at",
        "quantity", "unit_price",
    ],
    "orders": [
        "order_id", "total_items", "order_date", "customer_id", "email", "order_channel",
        "is_expedited", "customer_tier", "gross_total", "net_total", "total_discount_amount",
        "payment_method", "shipping_speed", "shipping_cost", "agent_id", "actual_shipping_cost",
        "payment_processing_fee", "shipping_address", "billing_address", "clv_bucket",
        "is_reactivated",
    ],
    "order_items": [
        "order_id", "product_id", "product_name", "category", "quantity", "unit_price",
        "discount_amount", "cost_price",
    ],
    "returns": [
        "return_id", "order_id", "customer_id", "email", "return_date", "reason", "return_type",
        "refunded_amount", "return_channel", "agent_id", "refund_method",
    ],
    "return_items": [
        "return_item_id", "return_id", "order_id", "product_id", "product_name", "category",
        "quantity_returned", "unit_price", "cost_price", "refunded_amount",
    ],
    "events": [
        "event_time", "event_type", "product_id", "category_id", "category_code", "brand",
        "price", "user_id", "user_session",
    ],
}
