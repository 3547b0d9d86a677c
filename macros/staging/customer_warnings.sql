{#-
    The warnings on kept carts and orders that need the customers table, in one
    place: a select of every column of `rows` with `is_customer_unknown` (the
    customer_id is not a valid customer) and `<before_signup_column>` (the row's
    `time_column` falls on a day before the customer's signup_date). Both rows
    are kept; data_quality_audit counts the flags.
-#}
{% macro select_with_customer_warnings(rows, time_column, before_signup_column) %}
    select
        {{ rows }}.*,
        customers.customer_id is null as is_customer_unknown,
        coalesce(cast({{ rows }}.{{ time_column }} as date) < customers.signup_date, false)
            as {{ before_signup_column }}
    from {{ rows }}
    left join {{ ref('valid_ecom__customers') }} as customers
        on {{ rows }}.customer_id = customers.customer_id
{% endmacro %}
