WITH first AS (SELECT customer_id, min(month) AS cohort FROM facts GROUP BY customer_id)
SELECT first.cohort, f.month, count(DISTINCT f.customer_id) AS customers, count(*) AS orders,
       sum(f.units) AS units, sum(f.kg_co2e) AS kg_co2e, sum(f.baseline_kg_co2e) AS baseline_kg_co2e,
       sum(f.saved_kg_co2e) AS saved_kg_co2e
FROM facts f JOIN first USING (customer_id)
GROUP BY first.cohort, f.month ORDER BY first.cohort, f.month;
