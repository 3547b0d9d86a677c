{{ revenue_by_attribute('category_code') }}
