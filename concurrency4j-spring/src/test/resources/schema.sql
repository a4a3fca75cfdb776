CREATE TABLE IF NOT EXISTS product (
  id BIGINT PRIMARY KEY,
  name VARCHAR(200),
  description VARCHAR(1000),
  price INT,
  cost INT,
  version BIGINT NOT NULL
);
