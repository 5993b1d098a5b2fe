CREATE TABLE addresses (
    id BIGINT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    kind VARCHAR(10) NOT NULL,
    line1 VARCHAR(200) NOT NULL,
    city VARCHAR(100) NOT NULL,
    postal_code VARCHAR(20),
    country CHAR(2) NOT NULL
);

ALTER TABLE addresses ADD CONSTRAINT fk_addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id);
CREATE INDEX ix_addresses_customer ON addresses (customer_id);
