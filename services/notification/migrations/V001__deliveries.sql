-- The delivery log: one row per (event, template, channel). The unique key is the idempotency
-- record: a redelivered event finds its row and sends nothing again. The row also carries the
-- rendered message (for retries and re-sends) and the original Kafka record (for the dead-letter
-- topic when a later attempt fails permanently).
CREATE TABLE deliveries (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id          CHAR(36)        NOT NULL,
  event_type        VARCHAR(200)    NOT NULL,
  template          VARCHAR(100)    NOT NULL,
  channel           VARCHAR(10)     NOT NULL,            -- email | sms
  locale            VARCHAR(35)     NOT NULL,
  recipient         VARCHAR(320)    NOT NULL,
  subject           TEXT            NOT NULL,
  body_text         MEDIUMTEXT      NOT NULL,
  body_html         MEDIUMTEXT      NOT NULL,
  status            VARCHAR(10)     NOT NULL,            -- pending | retrying | sent | failed
  attempts          INT             NOT NULL DEFAULT 0,  -- finished attempts
  attempts_base     INT             NOT NULL DEFAULT 0,  -- attempts before the last re-send (the retry budget restarts there)
  last_error        TEXT            NULL,
  next_attempt_at   DATETIME(3)     NULL,                -- due time; while an attempt runs, the end of its lease
  created_at        DATETIME(3)     NOT NULL,
  updated_at        DATETIME(3)     NOT NULL,
  sent_at           DATETIME(3)     NULL,
  source_topic      VARCHAR(249)    NOT NULL,
  source_key        VARCHAR(1000)   NULL,
  source_value      MEDIUMTEXT      NOT NULL,
  UNIQUE KEY uq_deliveries_event (event_id, template, channel),
  KEY ix_deliveries_due (status, next_attempt_at),
  KEY ix_deliveries_recipient (recipient, id),
  KEY ix_deliveries_template (template, id),
  KEY ix_deliveries_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every finished attempt (sent, transient, permanent), for the admin API and the retry tests.
CREATE TABLE delivery_attempts (
  delivery_id  BIGINT UNSIGNED NOT NULL,
  attempt      INT             NOT NULL,
  started_at   DATETIME(3)     NOT NULL,
  finished_at  DATETIME(3)     NOT NULL,
  outcome      VARCHAR(10)     NOT NULL,              -- sent | transient | permanent
  error        TEXT            NULL,
  PRIMARY KEY (delivery_id, attempt),
  CONSTRAINT fk_attempts_delivery FOREIGN KEY (delivery_id) REFERENCES deliveries (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
