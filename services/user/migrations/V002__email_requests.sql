-- Every register / resend-verification / password-reset request, known address or not: an audit
-- trail for abuse investigations, and the same write (so the same commit cost) on both paths of
-- those routes, whose answers must not reveal whether an account exists. Pruned as it grows
-- (rows older than 30 days, a few per request).
CREATE TABLE email_requests (
  id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind         VARCHAR(16) NOT NULL,   -- register | resend | reset
  account_hash CHAR(32)    NOT NULL,   -- as the abuse counters: SHA-256 of the normalised email (prefix)
  ip           VARCHAR(64) NOT NULL,
  created_at   BIGINT      NOT NULL,
  KEY email_requests_created (created_at),
  KEY email_requests_account (account_hash, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
