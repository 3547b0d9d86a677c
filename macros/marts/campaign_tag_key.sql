{#-
    The key a campaign tag is matched on (docs/business_rules.md, "Campaign
    attribution"): lower case, every run of characters other than a-z and 0-9
    as one `_`, no `_` at either end; null when nothing is left. So
    `Spring Sale 2024`, ` spring-sale-2024` and `SPRING_SALE_2024 ` share the
    key `spring_sale_2024`.
-#}
{% macro campaign_tag_key(expression) -%}
    nullif(
        {{ replace_pattern(replace_pattern('lower(' ~ expression ~ ')', '[^a-z0-9]+', '_'), '^_+|_+$', '') }},
        ''
    )
{%- endmacro %}
