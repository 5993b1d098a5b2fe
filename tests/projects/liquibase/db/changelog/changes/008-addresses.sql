--liquibase formatted sql

--changeset erin:008-1
CREATE TABLE addresses (
    id BIGINT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    kind VARCHAR(10) NOT NULL,
    line1 VARCHAR(200) NOT NULL,
    city VARCHAR(100) NOT NULL,
    postal_code VARCHAR(20),
    country CHAR(2) NOT NULL,
    CONSTRAINT fk_addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
);
--rollback DROP TABLE addresses;

--changeset erin:008-2
CREATE INDEX ix_addresses_customer ON addresses (customer_id);
--rollback DROP INDEX ix_addresses_customer;
