-- Demo schema for MariaDB/MySQL. Statements are separated by lines holding a single "/".
CREATE TABLE IF NOT EXISTS supplier (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  contact_name VARCHAR(100),
  phone VARCHAR(40),
  rating INT NOT NULL DEFAULT 3,
  version BIGINT NOT NULL DEFAULT 1
)
/
CREATE TABLE IF NOT EXISTS product (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  sku VARCHAR(20) NOT NULL,
  name VARCHAR(100) NOT NULL,
  description VARCHAR(1000),
  price DECIMAL(10, 2) NOT NULL,
  stock INT NOT NULL,
  supplier_id BIGINT REFERENCES supplier (id),
  version BIGINT NOT NULL
)
/
CREATE TABLE IF NOT EXISTS customer (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200) NOT NULL,
  phone VARCHAR(40),
  notes VARCHAR(1000),
  version BIGINT NOT NULL
)
/
-- "Another team's application also writes" the supplier table: a trigger bumps the version on every UPDATE.
CREATE TRIGGER IF NOT EXISTS concurrency_supplier_version BEFORE UPDATE ON supplier
  FOR EACH ROW SET NEW.version = OLD.version + 1
