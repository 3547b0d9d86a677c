{#- A rate is a fraction in [0, 1] (docs/overview.md); null is allowed (no denominator). -#}
{% test is_rate(model, column_name) %}
select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}
