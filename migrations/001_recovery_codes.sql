-- @nest-auth/mfa: recovery code digests and attempt counters (schema version 1).
--
-- `PostgresRecoveryCodeStore#migrate()` applies this file idempotently, in one transaction under
-- an advisory lock. To apply it with your own migration tool, replace the placeholders:
--   {{codes_table}}     the codes table, quoted and optionally schema-qualified: "mfa_recovery_codes"
--   {{attempts_table}}  the attempts table, likewise: "mfa_recovery_attempts"
--   {{prefix}}          the table-name prefix, for index names: mfa_
-- No code, and no fragment of one, is ever stored: only SHA-256 lookup keys and argon2id digests.

CREATE TABLE IF NOT EXISTS {{codes_table}} (
  -- Creation order: eviction keeps the newest unused codes.
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     text        NOT NULL,
  -- SHA-256 of the user id and the code's non-secret lookup part (base64url).
  lookup_key  text        NOT NULL,
  -- argon2id digest of the whole code (PHC string).
  digest      text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  used_at     timestamptz
);

-- The one-row lookup of an attempt, and the guard against two unused codes with one lookup key.
CREATE UNIQUE INDEX IF NOT EXISTS "{{prefix}}recovery_codes_active_key"
  ON {{codes_table}} (user_id, lookup_key)
  WHERE used_at IS NULL;

-- Per-user scans in creation order: status, eviction, revocation.
CREATE INDEX IF NOT EXISTS "{{prefix}}recovery_codes_user"
  ON {{codes_table}} (user_id, id);

CREATE TABLE IF NOT EXISTS {{attempts_table}} (
  user_id       text        PRIMARY KEY,
  attempts      integer     NOT NULL,
  window_start  timestamptz NOT NULL
);
