-- The hand-over points move out of `deliveries` into a MEMORY table. A hand-over point must
-- survive a crash of the notification service, not of MariaDB: written to an InnoDB row, every
-- message paid an autocommit with a redo-log flush (~5 ms under load, the senders' limit);
-- written here, it costs a round trip. A row is the attempt in flight of one delivery
-- (`attempt` = its attempts + 1 while it runs); a row whose attempt was since recorded is stale
-- and ignored (removed after the outcome committed). If MariaDB itself restarts, the marks of the
-- attempts in flight at that moment are gone and those messages are sent again (at-least-once
-- for that case only; see the README).
CREATE TABLE delivery_handovers (
  delivery_id     BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  attempt         INT             NOT NULL,
  handed_over_at  DATETIME(3)     NOT NULL
) ENGINE=MEMORY;

INSERT INTO delivery_handovers (delivery_id, attempt, handed_over_at)
  SELECT id, attempts + 1, handed_over_at FROM deliveries
  WHERE handed_over_at IS NOT NULL AND status IN ('pending', 'retrying');

ALTER TABLE deliveries DROP COLUMN handed_over_at;
