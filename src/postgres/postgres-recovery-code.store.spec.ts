import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { PostgresRecoveryCodeStore } from './postgres-recovery-code.store.js';

describe('PostgresRecoveryCodeStore', () => {
  describe('table names', () => {
    it.each(['Public', 'auth-data', 'a"; DROP TABLE users; --', '1st', 'x'.repeat(64)])(
      'refuses the schema %j, naming the option to fix',
      (schema) => {
        expect(() => new PostgresRecoveryCodeStore({ schema, poolConfig: {} })).toThrow(
          MfaConfigurationError,
        );
        expect(() => new PostgresRecoveryCodeStore({ schema, poolConfig: {} })).toThrow(/`schema`/);
      },
    );

    it.each(['App_', 'app-', 'app"', 'x'.repeat(39)])('refuses the table prefix %j', (prefix) => {
      expect(() => new PostgresRecoveryCodeStore({ tablePrefix: prefix, poolConfig: {} })).toThrow(
        /`tablePrefix`/,
      );
    });

    it('renders the shipped schema with quoted, schema-qualified names and no placeholder left', async () => {
      const store = new PostgresRecoveryCodeStore({ schema: 'auth', tablePrefix: 'app_' });
      const sql = await store.schemaSql();
      expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."app_recovery_codes"');
      expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."app_recovery_attempts"');
      expect(sql).toContain('"app_recovery_codes_active_key"');
      expect(sql).not.toMatch(/\{\{/);
      await store.close();
    });

    it('defaults to mfa_ tables on the search path', async () => {
      const store = new PostgresRecoveryCodeStore({});
      expect(await store.schemaSql()).toContain('CREATE TABLE IF NOT EXISTS "mfa_recovery_codes"');
      await store.close();
    });
  });

  describe('with an unreachable database', () => {
    it('rejects every operation instead of hanging, so the service answers 503', async () => {
      const store = new PostgresRecoveryCodeStore({
        connectionString: 'postgres://nobody@127.0.0.1:1/none',
      });
      const record = { lookupKey: 'k', digest: '$argon2id$x' };
      await expect(store.status('u')).rejects.toThrow();
      await expect(store.append('u', record, 10)).rejects.toThrow();
      await expect(
        store.reserveAttempt('u', { maxAttempts: 5, windowMs: 1000, maxConsecutiveFailures: 100 }),
      ).rejects.toThrow();
      await expect(store.consume('u', '1')).rejects.toThrow();
      await store.close();
    });
  });
});

describe('the root entry point', () => {
  it('never imports pg or the postgres subpath, so pg stays an optional peer', async () => {
    const seen = new Set<string>();
    const pending = [new URL('../index.ts', import.meta.url)];
    const bare = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop();
      if (!file || seen.has(file.href)) continue;
      seen.add(file.href);
      const source = await readFile(file, 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s+'([^']+)'/g)) {
        if (specifier.startsWith('.'))
          pending.push(new URL(specifier.replace(/\.js$/, '.ts'), file));
        else bare.add(specifier);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((f) => f.includes('/postgres/'))).toEqual([]);
    expect([...bare].filter((s) => s === 'pg' || s.startsWith('pg/'))).toEqual([]);
  });
});
