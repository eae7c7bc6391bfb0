-- Accounts, sessions and tokens of the user service. Times are unix milliseconds (BIGINT), set
-- by the service's Clock (so tests can move time), UTC by construction.
CREATE TABLE users (
  id             CHAR(36)     NOT NULL PRIMARY KEY,
  email          VARCHAR(254) NOT NULL,
  email_verified BOOLEAN      NOT NULL DEFAULT FALSE,
  password_hash  VARCHAR(255) NULL,            -- Argon2id (libsodium string); NULL: social login only
  name           VARCHAR(100) NOT NULL DEFAULT '',
  phone          VARCHAR(16)  NULL,            -- E.164
  locale         VARCHAR(35)  NOT NULL DEFAULT 'en',
  sms_opt_in     BOOLEAN      NOT NULL DEFAULT FALSE,
  roles          VARCHAR(64)  NOT NULL DEFAULT 'customer',  -- comma separated: customer,admin
  disabled       BOOLEAN      NOT NULL DEFAULT FALSE,
  pending_email  VARCHAR(254) NULL,            -- a requested new address awaiting verification
  created_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL,
  UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Single-use tokens sent by email: verification, email change, password reset. Only the SHA-256
-- of the token is stored.
CREATE TABLE email_tokens (
  token_hash CHAR(64)    NOT NULL PRIMARY KEY,
  user_id    CHAR(36)    NOT NULL,
  purpose    VARCHAR(16) NOT NULL,              -- verify | email_change | reset
  email      VARCHAR(254) NOT NULL,             -- the address the link went to
  created_at BIGINT      NOT NULL,
  expires_at BIGINT      NOT NULL,
  used_at    BIGINT      NULL,
  KEY email_tokens_user (user_id, purpose),
  CONSTRAINT email_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A session = one login on one device = one refresh-token family.
CREATE TABLE sessions (
  id            CHAR(36)     NOT NULL PRIMARY KEY,
  user_id       CHAR(36)     NOT NULL,
  method        VARCHAR(16)  NOT NULL,          -- password | oidc
  remember_me   BOOLEAN      NOT NULL DEFAULT FALSE,
  ip            VARCHAR(64)  NOT NULL DEFAULT '',
  user_agent    VARCHAR(255) NOT NULL DEFAULT '',
  created_at    BIGINT       NOT NULL,
  last_used_at  BIGINT       NOT NULL,
  expires_at    BIGINT       NOT NULL,          -- absolute end (absolute or remember-me lifetime)
  revoked_at    BIGINT       NULL,
  revoke_reason VARCHAR(32)  NULL,              -- logout | logout_all | password_change | reset | disabled | reuse | ended
  KEY sessions_user (user_id, revoked_at),
  CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Refresh tokens (opaque, 256 random bits; only the SHA-256 is stored), one family per session.
-- Rotated on every use: used_at is set and a new row added. Presenting a used token again ends
-- the session (reuse detection).
CREATE TABLE refresh_tokens (
  token_hash CHAR(64) NOT NULL PRIMARY KEY,
  session_id CHAR(36) NOT NULL,
  user_id    CHAR(36) NOT NULL,
  created_at BIGINT   NOT NULL,
  used_at    BIGINT   NULL,
  KEY refresh_tokens_session (session_id),
  CONSTRAINT refresh_tokens_session_fk FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE addresses (
  id               CHAR(36)     NOT NULL PRIMARY KEY,
  user_id          CHAR(36)     NOT NULL,
  label            VARCHAR(50)  NOT NULL DEFAULT '',
  name             VARCHAR(100) NOT NULL,
  line1            VARCHAR(200) NOT NULL,
  line2            VARCHAR(200) NOT NULL DEFAULT '',
  city             VARCHAR(100) NOT NULL,
  region           VARCHAR(100) NOT NULL DEFAULT '',
  postal_code      VARCHAR(20)  NOT NULL,
  country          CHAR(2)      NOT NULL,
  phone            VARCHAR(16)  NULL,
  default_shipping BOOLEAN      NOT NULL DEFAULT FALSE,
  default_billing  BOOLEAN      NOT NULL DEFAULT FALSE,
  created_at       BIGINT       NOT NULL,
  updated_at       BIGINT       NOT NULL,
  KEY addresses_user (user_id),
  CONSTRAINT addresses_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Social logins: (provider, subject) is the identity, linked to one account.
CREATE TABLE oidc_identities (
  provider   VARCHAR(32)  NOT NULL,
  subject    VARCHAR(255) NOT NULL,
  user_id    CHAR(36)     NOT NULL,
  email      VARCHAR(254) NOT NULL,
  created_at BIGINT       NOT NULL,
  PRIMARY KEY (provider, subject),
  KEY oidc_identities_user (user_id),
  CONSTRAINT oidc_identities_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
