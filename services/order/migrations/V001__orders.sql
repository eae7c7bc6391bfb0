-- store_order: orders, their lines as bought, their status timeline. The outbox and inbox are
-- libs/messaging's (V900), the API's Idempotency-Key records libs/idempotency's (V950).
CREATE TABLE orders (
  id                 CHAR(36)     NOT NULL PRIMARY KEY,
  number             CHAR(12)     NOT NULL,
  placement_key      CHAR(64)     NOT NULL,        -- SHA-256 of the caller and the Idempotency-Key that placed it
  customer_id        VARCHAR(64)  NULL,            -- the account's id; NULL for a guest
  guest_token_hash   CHAR(64)     NULL,            -- guests: SHA-256 of the lookup token
  email              VARCHAR(254) NOT NULL,
  name               VARCHAR(100) NOT NULL,
  locale             VARCHAR(35)  NOT NULL,
  cart_id            VARCHAR(100) NOT NULL,        -- guest:<hash> or customer:<id>
  cart_version       BIGINT       NOT NULL,
  status             VARCHAR(20)  NOT NULL,
  status_reason      VARCHAR(255) NOT NULL DEFAULT '',
  currency           CHAR(3)      NOT NULL,
  prices_include_tax TINYINT(1)   NOT NULL,
  subtotal           BIGINT       NOT NULL,
  shipping           BIGINT       NOT NULL,
  tax                BIGINT       NOT NULL,
  total              BIGINT       NOT NULL,
  taxes              TEXT         NOT NULL,        -- JSON [{rate_bp, taxable, tax}]
  shipping_method    VARCHAR(32)  NOT NULL,
  shipping_name      VARCHAR(100) NOT NULL,
  shipping_address   TEXT         NOT NULL,        -- JSON, as entered (validated)
  payment_method     VARCHAR(32)  NOT NULL,
  payment_id         CHAR(36)     NULL,
  payment_url        VARCHAR(2000) NULL,           -- the provider's hosted page
  card_brand         VARCHAR(20)  NULL,
  card_last4         CHAR(4)      NULL,
  failed_lines       TEXT         NULL,            -- JSON: the reservation's refusal, per line
  refund_due         TINYINT(1)   NOT NULL DEFAULT 0,  -- paid after it was cancelled: refunded by the saga round
  return_url         VARCHAR(500) NOT NULL,
  expires_at         DATETIME(3)  NOT NULL,        -- unpaid after this: cancelled
  next_step_at       DATETIME(3)  NULL,            -- the saga round's work and lease (NULL: nothing to do)
  version            BIGINT       NOT NULL DEFAULT 1,
  created_at         DATETIME(3)  NOT NULL,
  updated_at         DATETIME(3)  NOT NULL,
  UNIQUE KEY ux_number (number),
  UNIQUE KEY ux_placement (placement_key),
  KEY ix_customer (customer_id, created_at),
  KEY ix_next_step (next_step_at),
  KEY ix_open (status, expires_at)
) ENGINE = InnoDB;

CREATE TABLE order_lines (
  order_id    CHAR(36)     NOT NULL,
  position    INT          NOT NULL,
  sku         VARCHAR(64)  NOT NULL,
  product_id  VARCHAR(64)  NOT NULL,
  title       VARCHAR(300) NOT NULL,
  options     TEXT         NOT NULL,               -- JSON [{name, value}]
  quantity    INT          NOT NULL,
  unit_price  BIGINT       NOT NULL,
  line_total  BIGINT       NOT NULL,
  tax         BIGINT       NOT NULL,
  tax_rate_bp INT          NOT NULL,
  PRIMARY KEY (order_id, position),
  CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB;

-- The status timeline (placed, reserved, paid, confirmed, cancelled, ...), append-only.
CREATE TABLE order_history (
  id       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id CHAR(36)     NOT NULL,
  status   VARCHAR(20)  NOT NULL,
  reason   VARCHAR(255) NOT NULL DEFAULT '',
  source   VARCHAR(40)  NOT NULL,                  -- api, catalog, payment, expiry, saga
  at       DATETIME(3)  NOT NULL,
  KEY ix_order (order_id, id),
  CONSTRAINT fk_history_order FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE = InnoDB;
