-- store::idempotency: the API's Idempotency-Key records, one answer per (caller, key).
-- Version 950 is reserved for libs/idempotency (a service's own files are V001..V899,
-- libs/messaging's V900). IF NOT EXISTS: the payment service made this table in its V001.
CREATE TABLE IF NOT EXISTS idempotency_keys (
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
