-- Staff's changes of a SKU's units on hand, each with its reason (issue #16, "adjustments with a
-- reason"): written in the same transaction as the stock row they changed, never updated or
-- deleted; the admin shows a SKU's history from it. Reservations, commits and releases are not
-- here (the reservations table has those).
CREATE TABLE stock_adjustments (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sku            VARCHAR(64) NOT NULL,
  delta          INT NOT NULL,           -- on_hand after - before
  on_hand_after  INT NOT NULL,
  reason         VARCHAR(16) NOT NULL,   -- received | count | damaged | lost | returned | correction
  note           VARCHAR(300) NOT NULL DEFAULT '',
  actor          VARCHAR(64) NOT NULL,   -- the staff member's user id (the access token's subject)
  created_at     DATETIME(3) NOT NULL,
  KEY ix_stock_adjustments_sku (sku, id),
  CONSTRAINT fk_stock_adjustments_sku FOREIGN KEY (sku) REFERENCES stock (sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
