{{ cart_conversion_by_period('created_date') }}
