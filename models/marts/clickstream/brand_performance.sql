{{ revenue_by_attribute('brand') }}
