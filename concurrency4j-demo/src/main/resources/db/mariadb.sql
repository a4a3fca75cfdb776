-- Demo schema for MariaDB/MySQL. Statements end at a line holding a single "/". The supplier table's version trigger is
-- created by concurrency4j at start (TriggerSettings autoCreate), for whichever database this is.
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
