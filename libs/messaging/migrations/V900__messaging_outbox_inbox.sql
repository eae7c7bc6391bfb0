-- store::messaging tables: the transactional outbox (written in the business transaction,
-- drained by store_outbox_relay) and the inbox (event ids a consumer has applied).
-- Version 900 is reserved for libs/messaging so it never collides with a service's own
-- V001..V899 files in the same schema_migrations table.

CREATE TABLE IF NOT EXISTS outbox (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,  -- publish order
  topic       VARCHAR(249)    NOT NULL,                             -- Kafka's maximum name length
  msg_key     VARCHAR(255)    NOT NULL,                             -- aggregate id ('' = no key)
  event_id    CHAR(36)        NOT NULL,
  payload     MEDIUMTEXT      NOT NULL,                             -- the event envelope (JSON)
  traceparent VARCHAR(55)     NULL,
  created_at  DATETIME(6)     NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS inbox (
  consumer   VARCHAR(100) NOT NULL,
  event_id   CHAR(36)     NOT NULL,
  applied_at DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
  PRIMARY KEY (consumer, event_id),
  KEY inbox_applied_at (applied_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
