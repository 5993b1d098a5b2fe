-- Repeatable: Flyway re-runs it whenever its checksum changes, after every versioned script.
CREATE OR REPLACE VIEW customer_order_totals AS
SELECT c.id AS customer_id, c.full_name, COUNT(o.id) AS orders, COALESCE(SUM(o.total), 0) AS total
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.id, c.full_name;
