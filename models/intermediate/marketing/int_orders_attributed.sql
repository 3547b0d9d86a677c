-- One row per valid order: the campaign it is attributed to, and how
-- (docs/business_rules.md, "Campaign attribution"). A campaign_id tag must name
-- a valid campaign; else a utm_campaign tag must match exactly one valid
-- campaign's name or id by campaign_tag_key. Untagged orders and tags that name
-- no campaign, or several, stay unattributed.
with orders as (
    select
        order_id,
        customer_id,
        ordered_at,
        net_total,
        campaign_id as tagged_campaign_id,
        utm_campaign
    from {{ ref('valid_ecom__orders') }}
),

campaigns as (
    select
        campaign_id,
        campaign_name
    from {{ ref('valid_marketing__campaigns') }}
),

campaign_keys as (
    select
        campaign_id,
        {{ campaign_tag_key('campaign_name') }} as tag_key
    from campaigns
    union
    select
        campaign_id,
        {{ campaign_tag_key('campaign_id') }} as tag_key
    from campaigns
),

utm_matches as (
    select
        orders.order_id,
        min(campaign_keys.campaign_id) as campaign_id,
        count(distinct campaign_keys.campaign_id) as matched_campaigns
    from orders
    inner join campaign_keys
        on {{ campaign_tag_key('orders.utm_campaign') }} = campaign_keys.tag_key
    where orders.tagged_campaign_id is null
    group by orders.order_id
),

final as (
    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        orders.net_total,
        orders.tagged_campaign_id,
        orders.utm_campaign,
        case
            when orders.tagged_campaign_id is not null then by_id.campaign_id
            when utm_matches.matched_campaigns = 1 then utm_matches.campaign_id
        end as campaign_id,
        case
            when orders.tagged_campaign_id is not null and by_id.campaign_id is not null
                then 'campaign_id'
            when orders.tagged_campaign_id is not null then 'unknown_campaign'
            when orders.utm_campaign is null then 'untagged'
            when utm_matches.matched_campaigns = 1 then 'utm_campaign'
            when utm_matches.matched_campaigns > 1 then 'ambiguous_campaign'
            else 'unknown_campaign'
        end as attribution
    from orders
    left join campaigns as by_id
        on orders.tagged_campaign_id = by_id.campaign_id
    left join utm_matches
        on orders.order_id = utm_matches.order_id
)

select * from final
