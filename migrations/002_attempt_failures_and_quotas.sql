-- @nest-auth/mfa: consecutive failures and call quotas (schema version 2).
--
-- Applied after 001 by `PostgresRecoveryCodeStore#migrate()`, idempotently. Placeholders as in 001,
-- plus:
--   {{quotas_table}}    the quotas table, quoted and optionally schema-qualified: "mfa_recovery_quotas"

-- Counters hold any safe JavaScript integer a policy may allow (`maxAttempts` above 2^31 included).
ALTER TABLE {{attempts_table}} ALTER COLUMN attempts TYPE bigint;

-- Failed checks in a row, across windows; only a success (the row's deletion) clears them.
ALTER TABLE {{attempts_table}} ADD COLUMN IF NOT EXISTS failures bigint NOT NULL DEFAULT 0;

-- Fixed-window call counters per user and scope, for example generation.
CREATE TABLE IF NOT EXISTS {{quotas_table}} (
  user_id       text        NOT NULL,
  scope         text        NOT NULL,
  calls         bigint      NOT NULL,
  window_start  timestamptz NOT NULL,
  PRIMARY KEY (user_id, scope)
);
