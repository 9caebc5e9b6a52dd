SELECT customer_id, orders, units, kg_co2e, baseline_kg_co2e, saved_kg_co2e, points, first_order_month
FROM customers ORDER BY customer_id;
