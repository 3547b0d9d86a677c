-- One row per channel of the valid campaigns (a blank channel is `unknown`): the
-- sums of campaign_performance over its campaigns, cost per new customer, the
-- ratios, and its share of the revenue of all valid orders (attributed or not).
with campaigns as (select * from {{ ref('campaign_performance') }}),

all_revenue as (
    select {{ sum_money('net_total') }} as revenue
    from {{ ref('valid_ecom__orders') }}
),

channels as (
    select
        channel,
        count(*) as campaigns,
        {{ sum_money('spend') }} as spend,
        {{ sum_int('impressions') }} as impressions,
        {{ sum_int('clicks') }} as clicks,
        {{ sum_int('attributed_orders') }} as attributed_orders,
        {{ sum_money('revenue') }} as revenue,
        {{ sum_int('new_customers') }} as new_customers
    from campaigns
    group by channel
),

final as (
    select
        channels.channel,
        channels.campaigns,
        channels.spend,
        channels.impressions,
        channels.clicks,
        {{ ratio('channels.spend', 'channels.clicks') }} as cost_per_click,
        channels.attributed_orders,
        channels.revenue,
        channels.new_customers,
        {{ ratio('channels.spend', 'channels.new_customers') }}
            as cost_per_new_customer,
        {{ ratio('channels.revenue - channels.spend', 'channels.spend') }} as roi,
        {{ ratio('channels.revenue', 'channels.spend') }} as roas,
        {{ ratio('channels.revenue', 'all_revenue.revenue') }} as share_of_all_revenue
    from channels
    cross join all_revenue
)

select * from final
