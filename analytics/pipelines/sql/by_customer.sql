SELECT customer_id, count(*) AS orders, sum(units) AS units, sum(kg_co2e) AS kg_co2e,
       sum(baseline_kg_co2e) AS baseline_kg_co2e, sum(saved_kg_co2e) AS saved_kg_co2e,
       sum(points) AS points, min(month) AS first_order_month
FROM facts GROUP BY customer_id ORDER BY customer_id;
