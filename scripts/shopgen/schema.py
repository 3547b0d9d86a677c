"""The output contract: the eleven raw tables and their columns, in file order.

Every column is written as text (CSV) or as a Parquet STRING column. The marketing family
(``MARKETING_TABLES``, and the campaign tags ``ORDER_TAG_COLUMNS`` at the end of orders) is
optional: ``--no-marketing`` writes an older shop's export without them.
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
        "is_reactivated", "campaign_id", "utm_campaign",
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
    "campaigns": [
        "campaign_id", "campaign_name", "channel", "start_date", "end_date", "budget",
    ],
    "campaign_spend": [
        "date", "campaign_id", "spend", "impressions", "clicks",
    ],
}

# the optional marketing family: its tables, and the columns it adds to orders
MARKETING_TABLES = ("campaigns", "campaign_spend")
ORDER_TAG_COLUMNS = ("campaign_id", "utm_campaign")


def written_tables(marketing: bool = True) -> list[str]:
    """The tables a run writes, in ``TABLE_COLUMNS`` order (without the marketing tables
    when ``marketing`` is false)."""
    return [t for t in TABLE_COLUMNS if marketing or t not in MARKETING_TABLES]


def written_columns(table: str, marketing: bool = True) -> list[str]:
    """The columns of ``table`` in file order as a run writes them: without marketing,
    orders has no campaign tags (an older shop's export)."""
    if table == "orders" and not marketing:
        return [c for c in TABLE_COLUMNS[table] if c not in ORDER_TAG_COLUMNS]
    return list(TABLE_COLUMNS[table])
