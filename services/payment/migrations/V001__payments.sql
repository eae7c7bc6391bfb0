-- The payment service's tables (README.md: Tables). Amounts are integer minor units.

CREATE TABLE payment_intents (
  id               CHAR(36)     NOT NULL PRIMARY KEY,
  order_id         VARCHAR(64)  NOT NULL,
  customer_id      VARCHAR(64)  NOT NULL,
  amount_minor     BIGINT       NOT NULL,
  currency         CHAR(3)      NOT NULL,
  method           VARCHAR(20)  NOT NULL,
  capture_mode     VARCHAR(10)  NOT NULL,
  status           VARCHAR(24)  NOT NULL,
  status_reason    VARCHAR(512) NOT NULL DEFAULT '',
  provider         VARCHAR(16)  NOT NULL,
  provider_ref     VARCHAR(64)  NULL,
  redirect_url     VARCHAR(1024) NOT NULL DEFAULT '',
  return_url       VARCHAR(1024) NOT NULL DEFAULT '',
  card_brand       VARCHAR(16)  NOT NULL DEFAULT '',
  card_last4       CHAR(4)      NOT NULL DEFAULT '',
  method_detail    VARCHAR(64)  NOT NULL DEFAULT '',
  -- The sums of the ledger (kept with each entry, in the same transaction).
  authorised_minor BIGINT       NOT NULL DEFAULT 0,
  captured_minor   BIGINT       NOT NULL DEFAULT 0,
  voided_minor     BIGINT       NOT NULL DEFAULT 0,
  refunded_minor   BIGINT       NOT NULL DEFAULT 0,
  pending_refunds_minor BIGINT  NOT NULL DEFAULT 0,
  order_facts      TEXT         NOT NULL,
  cancel_requested TINYINT(1)   NOT NULL DEFAULT 0,
  next_check_at    DATETIME(3)  NULL,
  paid_at          DATETIME(3)  NULL,
  version          BIGINT       NOT NULL DEFAULT 0,
  created_at       DATETIME(3)  NOT NULL,
  updated_at       DATETIME(3)  NOT NULL,
  -- At most one intent of an order that is not cancelled.
  live_order_id    VARCHAR(64) AS (IF(status = 'cancelled', NULL, order_id)) PERSISTENT,
  UNIQUE KEY uq_live_order (live_order_id),
  UNIQUE KEY uq_provider_ref (provider, provider_ref),
  KEY ix_order (order_id, created_at),
  KEY ix_waiting (status, updated_at),
  KEY ix_cancel (cancel_requested)
) ENGINE = InnoDB;

-- Every status change with its reason and what caused it (api, webhook, reconciliation, return, order).
CREATE TABLE payment_transitions (
  id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  intent_id   CHAR(36)    NOT NULL,
  from_status VARCHAR(24) NOT NULL,
  to_status   VARCHAR(24) NOT NULL,
  reason      VARCHAR(512) NOT NULL,
  source      VARCHAR(16) NOT NULL,
  at          DATETIME(3) NOT NULL,
  KEY ix_intent (intent_id, id)
) ENGINE = InnoDB;

-- The transaction log: append-only (the triggers refuse UPDATE and DELETE).
CREATE TABLE payment_ledger (
  id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  intent_id    CHAR(36)    NOT NULL,
  kind         VARCHAR(16) NOT NULL,
  amount_minor BIGINT      NOT NULL,
  currency     CHAR(3)     NOT NULL,
  provider_ref VARCHAR(64) NOT NULL,
  at           DATETIME(3) NOT NULL,
  KEY ix_intent (intent_id, id)
) ENGINE = InnoDB;

CREATE TRIGGER payment_ledger_no_update BEFORE UPDATE ON payment_ledger FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'payment_ledger is append-only';
CREATE TRIGGER payment_ledger_no_delete BEFORE DELETE ON payment_ledger FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'payment_ledger is append-only';

CREATE TABLE payment_refunds (
  id            CHAR(36)     NOT NULL PRIMARY KEY,
  intent_id     CHAR(36)     NOT NULL,
  amount_minor  BIGINT       NOT NULL,
  status        VARCHAR(12)  NOT NULL,
  reason        VARCHAR(512) NOT NULL DEFAULT '',
  requested_by  VARCHAR(64)  NOT NULL,
  provider_ref  VARCHAR(64)  NOT NULL DEFAULT '',
  next_check_at DATETIME(3)  NULL,
  created_at    DATETIME(3)  NOT NULL,
  updated_at    DATETIME(3)  NOT NULL,
  KEY ix_intent (intent_id),
  KEY ix_pending (status, updated_at)
) ENGINE = InnoDB;

-- Webhook events applied (a replayed event id changes nothing).
CREATE TABLE webhook_events (
  provider    VARCHAR(16)  NOT NULL,
  event_id    VARCHAR(255) NOT NULL,
  received_at DATETIME(3)  NOT NULL,
  PRIMARY KEY (provider, event_id)
) ENGINE = InnoDB;

-- The API's Idempotency-Key records: one answer per (caller and route, key).
CREATE TABLE idempotency_keys (
  scope        VARCHAR(160) NOT NULL,
  idem_key     VARCHAR(255) NOT NULL,
  request_hash CHAR(64)     NOT NULL,
  state        VARCHAR(12)  NOT NULL,
  status_code  INT          NULL,
  content_type VARCHAR(100) NULL,
  body         MEDIUMTEXT   NULL,
  created_at   DATETIME(3)  NOT NULL,
  PRIMARY KEY (scope, idem_key),
  KEY ix_created (created_at)
) ENGINE = InnoDB;
