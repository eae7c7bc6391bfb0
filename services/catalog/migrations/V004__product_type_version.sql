-- A product type can be edited after it is made (issue #16): its version, for If-Match and the
-- admin's "someone else changed this" (every edit adds one).
ALTER TABLE product_types ADD COLUMN version INT UNSIGNED NOT NULL DEFAULT 1;
