-- The "now" of the commerce family: the var as_of when given, otherwise the
-- latest timestamp in the data (never the wall clock), so results only depend
-- on the data and the vars.
with carts as (select * from {{ ref('valid_ecom__carts') }}),

cart_items as (select * from {{ ref('valid_ecom__cart_items') }}),

orders as (select * from {{ ref('valid_ecom__orders') }}),

latest as (
    select max(created_at) as latest_at from carts
    union all
    select max(updated_at) as latest_at from carts
    union all
    select max(added_at) as latest_at from cart_items
    union all
    select max(ordered_at) as latest_at from orders
),

{% if var('as_of', none) is not none %}
final as (
    select cast('{{ var("as_of") }}' as {{ dbt.type_timestamp() }}) as as_of
)
{% else %}
final as (
    select max(latest_at) as as_of
    from latest
)
{% endif %}

select * from final
