-- One row per (campaign, day) with delivery or an attributed order: the day's
-- spend, impressions and clicks (valid_marketing__campaign_spend; 0 on a day with
-- orders and no spend row) and the attributed orders placed that day (UTC).
with campaigns as (select * from {{ ref('valid_marketing__campaigns') }}),

spend as (
    select
        campaign_id,
        spend_date as activity_date,
        spend,
        impressions,
        clicks
    from {{ ref('valid_marketing__campaign_spend') }}
),

orders as (
    select
        campaign_id,
        cast(ordered_at as date) as activity_date,
        count(*) as attributed_orders,
        {{ sum_money('net_total') }} as revenue
    from {{ ref('int_orders_attributed') }}
    where campaign_id is not null
    group by campaign_id, cast(ordered_at as date)
),

days as (
    select
        campaign_id,
        activity_date
    from spend
    union
    select
        campaign_id,
        activity_date
    from orders
),

final as (
    -- spend rows are one per (campaign, day) (their key) and orders are counted per
    -- (campaign, day): every join finds at most one row
    select
        days.activity_date,
        days.campaign_id,
        coalesce(campaigns.channel, 'unknown') as channel,
        cast(coalesce(spend.spend, 0) as decimal(38, 4)) as spend,
        cast(coalesce(spend.impressions, 0) as bigint) as impressions,
        cast(coalesce(spend.clicks, 0) as bigint) as clicks,
        coalesce(orders.attributed_orders, 0) as attributed_orders,
        coalesce(orders.revenue, 0) as revenue
    from days
    inner join campaigns on days.campaign_id = campaigns.campaign_id
    left join spend
        on
            days.campaign_id = spend.campaign_id
            and days.activity_date = spend.activity_date
    left join orders
        on
            days.campaign_id = orders.campaign_id
            and days.activity_date = orders.activity_date
)

select
    activity_date,
    campaign_id,
    channel,
    spend,
    impressions,
    clicks,
    {{ ratio('clicks', 'impressions') }} as ctr,
    {{ ratio('spend', 'clicks') }} as cost_per_click,
    attributed_orders,
    revenue
from final
