-- Customers of the shop. legacy_code came from the old CRM import and is dropped in V14.
CREATE TABLE customers (
    id BIGINT PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(120) NOT NULL,
    legacy_code VARCHAR(20),
    created_at DATE NOT NULL
);

CREATE UNIQUE INDEX ux_customers_email ON customers (email);
