-- First-start data, portable across H2, PostgreSQL and MariaDB. Runs only when the product table is empty.
INSERT INTO supplier (name, contact_name, phone, rating, version) VALUES ('Nordic Timber Co.', 'Astrid Lund', '+46 8 555 0101', 4, 1)
/
INSERT INTO supplier (name, contact_name, phone, rating, version) VALUES ('Acme Fasteners', 'Wile Coyote', '+1 555 0102', 3, 1)
/
INSERT INTO supplier (name, contact_name, phone, rating, version) VALUES ('Lumen Lighting', 'Nadia Okafor', '+44 20 5550 0103', 5, 1)
/
INSERT INTO product (sku, name, description, price, stock, supplier_id, version) SELECT 'OAK-SHELF', 'Oak shelf', 'Solid oak wall shelf, 80 cm.', 49.90, 24, id, 1 FROM supplier WHERE name = 'Nordic Timber Co.'
/
INSERT INTO product (sku, name, description, price, stock, supplier_id, version) SELECT 'PINE-DESK', 'Pine desk', 'Compact desk for small rooms.', 129.00, 7, id, 1 FROM supplier WHERE name = 'Nordic Timber Co.'
/
INSERT INTO product (sku, name, description, price, stock, supplier_id, version) SELECT 'SCR-4X40', 'Wood screws 4x40 (200)', 'Zinc-plated, box of 200.', 6.50, 310, id, 1 FROM supplier WHERE name = 'Acme Fasteners'
/
INSERT INTO product (sku, name, description, price, stock, supplier_id, version) SELECT 'WALL-PLUG', 'Wall plugs (100)', 'Nylon plugs for brick and concrete.', 4.20, 150, id, 1 FROM supplier WHERE name = 'Acme Fasteners'
/
INSERT INTO product (sku, name, description, price, stock, supplier_id, version) SELECT 'LED-E27', 'LED bulb E27 806 lm', 'Warm white, 2700 K.', 3.99, 480, id, 1 FROM supplier WHERE name = 'Lumen Lighting'
/
INSERT INTO product (sku, name, description, price, stock, supplier_id, version) SELECT 'DESK-LAMP', 'Desk lamp', 'Adjustable arm, brushed steel.', 39.00, 18, id, 1 FROM supplier WHERE name = 'Lumen Lighting'
/
INSERT INTO customer (name, email, phone, notes, version) VALUES ('Ada Lovelace', 'ada@example.org', '+44 20 5550 0199', 'Prefers delivery before noon.', 1)
/
INSERT INTO customer (name, email, phone, notes, version) VALUES ('Grace Hopper', 'grace@example.org', '+1 555 0188', '', 1)
/
INSERT INTO customer (name, email, phone, notes, version) VALUES ('Alan Turing', 'alan@example.org', '+44 161 555 0177', 'Invoice by email.', 1)
