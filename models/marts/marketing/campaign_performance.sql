-- One row per valid campaign: its delivery (spend, impressions, clicks), the
-- orders attributed to it (int_orders_attributed) and their revenue, the
-- customers whose first order it brought, and the ratios a marketer reads
-- (docs/business_rules.md, "Campaign performance").
with campaigns as (select * from {{ ref('valid_marketing__campaigns') }}),

spend as (
    select
        campaign_id,
        {{ sum_money('spend') }} as spend,
        {{ sum_int('impressions') }} as impressions,
        {{ sum_int('clicks') }} as clicks
    from {{ ref('valid_marketing__campaign_spend') }}
    group by campaign_id
),

attributed as (
    select * from {{ ref('int_orders_attributed') }}
    where campaign_id is not null
),

first_orders as (
    select first_order_id from {{ ref('int_buyers_classified_by_first_order') }}
),

orders as (
    select
        attributed.campaign_id,
        count(*) as attributed_orders,
        count(distinct attributed.customer_id) as customers,
        count(distinct case
            when first_orders.first_order_id is not null then attributed.customer_id
        end) as new_customers,
        {{ sum_money('attributed.net_total') }} as revenue
    from attributed
    left join first_orders
        on attributed.order_id = first_orders.first_order_id
    group by attributed.campaign_id
),

totals as (
    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        coalesce(campaigns.channel, 'unknown') as channel,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.budget,
        coalesce(spend.spend, 0) as spend,
        coalesce(spend.impressions, 0) as impressions,
        coalesce(spend.clicks, 0) as clicks,
        coalesce(orders.attributed_orders, 0) as attributed_orders,
        coalesce(orders.customers, 0) as customers,
        coalesce(orders.new_customers, 0) as new_customers,
        coalesce(orders.revenue, 0) as revenue
    from campaigns
    left join spend on campaigns.campaign_id = spend.campaign_id
    left join orders on campaigns.campaign_id = orders.campaign_id
),

final as (
    select
        campaign_id,
        campaign_name,
        channel,
        start_date,
        end_date,
        budget,
        spend,
        impressions,
        clicks,
        {{ ratio('clicks', 'impressions') }} as ctr,
        {{ ratio('spend', 'clicks') }} as cost_per_click,
        attributed_orders,
        customers,
        new_customers,
        revenue,
        {{ ratio('revenue - spend', 'spend') }} as roi,
        {{ ratio('revenue', 'spend') }} as roas
    from totals
)

select * from final
