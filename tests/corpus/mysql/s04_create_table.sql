CREATE TABLE coupons (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(64) NOT NULL,
  UNIQUE KEY coupons_code_key (code)
) ENGINE=InnoDB;
CREATE INDEX coupons_code_idx ON coupons (code);
