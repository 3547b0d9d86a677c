{#- Counts, amounts of money and durations are never below 0; null is allowed. -#}
{% test non_negative(model, column_name) %}
select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < 0
{% endtest %}
