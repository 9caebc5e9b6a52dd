SELECT count(*) AS orders, sum(units) AS units, sum(kg_co2e) AS kg_co2e,
       sum(baseline_kg_co2e) AS baseline_kg_co2e, sum(saved_kg_co2e) AS saved_kg_co2e,
       (SELECT count(customer_id) FROM customers) AS customers, sum(shipping_kg_co2e) AS shipping_kg_co2e,
       sum(points) AS points, min(placed_at) AS first_order_at, max(placed_at) AS last_order_at
FROM facts;
