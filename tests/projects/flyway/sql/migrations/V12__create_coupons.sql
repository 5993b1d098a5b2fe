CREATE TABLE coupons (
    code VARCHAR(32) PRIMARY KEY,
    percent_off INTEGER NOT NULL,
    valid_until DATE,
    CONSTRAINT ck_coupons_percent CHECK (percent_off BETWEEN 1 AND 90)
);
