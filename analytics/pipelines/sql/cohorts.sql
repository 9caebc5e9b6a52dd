-- A customer's cohort is the month of their first order (customers.sql).
SELECT c.first_order_month AS cohort, f.month, count(DISTINCT c.customer_no) AS customers, count(*) AS orders,
       sum(f.units) AS units, sum(f.kg_co2e) AS kg_co2e, sum(f.baseline_kg_co2e) AS baseline_kg_co2e,
       sum(f.saved_kg_co2e) AS saved_kg_co2e
FROM facts f JOIN customers c USING (customer_id)
GROUP BY c.first_order_month, f.month ORDER BY c.first_order_month, f.month;
