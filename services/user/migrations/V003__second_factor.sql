-- The second factor: a TOTP secret per account (sealed with mfa.key_file, never stored in the
-- clear: the server must read it to check codes, so it cannot be hashed), the enrolment's secret
-- until a first code confirms it, the last time step used (a code works once), recovery codes
-- (only their SHA-256), whether a session passed the second factor, and since when an account
-- is an admin (the start of its grace period to enrol).
ALTER TABLE users
  ADD COLUMN totp_secret     VARCHAR(128) NULL,
  ADD COLUMN totp_pending    VARCHAR(128) NULL,
  ADD COLUMN totp_enabled_at BIGINT       NULL,
  ADD COLUMN totp_last_step  BIGINT       NOT NULL DEFAULT 0,
  ADD COLUMN admin_since     BIGINT       NULL;

-- Admins of before this migration: their grace period starts now.
UPDATE users SET admin_since = UNIX_TIMESTAMP() * 1000 WHERE FIND_IN_SET('admin', roles) > 0;

ALTER TABLE sessions ADD COLUMN mfa BOOLEAN NOT NULL DEFAULT FALSE;  -- the sign-in passed the second factor

CREATE TABLE recovery_codes (
  user_id    CHAR(36) NOT NULL,
  code_hash  CHAR(64) NOT NULL,
  created_at BIGINT   NOT NULL,
  used_at    BIGINT   NULL,
  PRIMARY KEY (user_id, code_hash),
  CONSTRAINT recovery_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
