CREATE NONCLUSTERED INDEX orders_customer_idx ON dbo.orders (customer_id);
GO
