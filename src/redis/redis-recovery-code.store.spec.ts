import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { escapeKeyPart, quotaKey, userKeys } from './redis-store.keys.js';
import { RedisRecoveryCodeStore } from './redis-recovery-code.store.js';
import type { RedisStoreClient } from './redis-store-client.interface.js';

/** A stand-in that no check should ever reach: construction fails before. */
const unusedClient = { status: 'ready', evalsha: async () => [0], eval: async () => [0] };

describe('RedisRecoveryCodeStore', () => {
  describe('options', () => {
    it.each(['{app}', 'app}', 'a{b', 'app prefix', 'app/mfa', 'é', '', 'a*'])(
      'refuses the key prefix %j, naming the option to fix',
      (keyPrefix) => {
        const build = () => new RedisRecoveryCodeStore({ client: unusedClient, keyPrefix });
        expect(build).toThrow(MfaConfigurationError);
        expect(build).toThrow(/`keyPrefix`/);
      },
    );

    it('accepts letters, digits, underscores, dashes and colons in the key prefix', () => {
      expect(
        () => new RedisRecoveryCodeStore({ client: unusedClient, keyPrefix: 'App_1:mfa-v2' }),
      ).not.toThrow();
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '5000'])(
      'refuses commandTimeoutMs %p',
      (commandTimeoutMs) => {
        expect(
          () =>
            new RedisRecoveryCodeStore({
              client: unusedClient,
              commandTimeoutMs: commandTimeoutMs as number,
            }),
        ).toThrow(/`commandTimeoutMs`/);
      },
    );

    it.each([
      ['nothing', undefined],
      ['an empty object', {}],
      ['a pg pool', { query: async () => ({ rows: [] }), connect: async () => undefined }],
      ['a node-redis client factory', createClient],
    ])('refuses %s as the client, naming what it accepts', (_, client) => {
      const build = () => new RedisRecoveryCodeStore({ client: client as RedisStoreClient });
      expect(build).toThrow(MfaConfigurationError);
      expect(build).toThrow(/createClient\(\)[\s\S]*ioredis/);
    });
  });

  describe('without a usable connection', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    let port: number;

    beforeAll(async () => {
      // Answers the clients' connection handshake (CLIENT SETINFO), then never again: a server
      // that hangs.
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('data', (chunk) => {
          for (const _ of chunk.toString().matchAll(/SETINFO/gi)) socket.write('+OK\r\n');
        });
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const address = silent.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('rejects at once, naming connect(), with a node-redis client that was never connected', async () => {
      const store = new RedisRecoveryCodeStore({ client: createClient() });
      await expect(store.status('u')).rejects.toThrow(/await client\.connect\(\)/);
    });

    it('rejects at once with an ioredis client that was closed', async () => {
      const client = new Redis({ lazyConnect: true });
      client.disconnect();
      const store = new RedisRecoveryCodeStore({ client });
      const started = Date.now();
      await expect(store.consume('u', '1.AAAAAAAA.k')).rejects.toThrow(/closed|not ready/);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it.each(['node-redis', 'ioredis'])(
      'rejects every operation once commandTimeoutMs has passed without an answer (%s)',
      async (kind) => {
        const client =
          kind === 'ioredis'
            ? new Redis({ port, host: '127.0.0.1', enableReadyCheck: false })
            : createClient({ socket: { port, host: '127.0.0.1' } });
        client.on('error', () => undefined);
        if (client instanceof Redis) await new Promise((resolve) => client.once('ready', resolve));
        else await client.connect();
        const store = new RedisRecoveryCodeStore({ client, commandTimeoutMs: 150 });
        const record = { lookupKey: 'k', digest: '$argon2id$x' };
        const policy = { maxAttempts: 5, windowMs: 1000, maxConsecutiveFailures: 100 };
        const started = Date.now();
        const results = await Promise.allSettled([
          store.replaceAll('u', [record]),
          store.append('u', record, 10),
          store.findActive('u', 'k'),
          store.consume('u', '1.AAAAAAAA.k'),
          store.restore('u', '1.AAAAAAAA.k'),
          store.status('u'),
          store.revokeAll('u'),
          store.reserveAttempt('u', policy),
          store.resetAttempts('u'),
          store.releaseFailure('u'),
          store.reserveQuota('u', 'generate', { limit: 1, windowMs: 1000 }),
        ]);
        expect(Date.now() - started).toBeLessThan(2_000);
        for (const result of results) {
          expect(result).toMatchObject({
            status: 'rejected',
            reason: expect.objectContaining({ message: expect.stringMatching(/within 150 ms/) }),
          });
        }
        if (client instanceof Redis) client.disconnect();
        else client.destroy();
      },
    );

    it('resolves null and false for malformed ids without asking Redis', async () => {
      const store = new RedisRecoveryCodeStore({ client: createClient() });
      expect(await store.consume('u', '')).toBeNull();
      expect(await store.consume('u', 'no-such-code')).toBeNull();
      expect(await store.restore('u', '42')).toBe(false);
    });
  });

  describe('keys', () => {
    const tricky = [
      'alice',
      'alice}',
      '}alice',
      'alice:codes',
      '{alice}',
      'alice}:codes',
      'a:b',
      'a%3Ab',
      'a%b',
      'a*',
      '\uD800',
      '\uD801',
      'ü',
      'u00FC',
      '%u00FC',
      '',
    ];

    it('escapes user ids one-to-one, without braces, colons or glob characters', () => {
      const escaped = tricky.map(escapeKeyPart);
      expect(new Set(escaped).size).toBe(tricky.length);
      for (const part of escaped) expect(part).toMatch(/^[A-Za-z0-9_.@%-]*$/);
    });

    it('puts every key of a user under one hash tag that no user id can close early', () => {
      for (const userId of tricky) {
        const keys = [...Object.values(userKeys('mfa', userId)), quotaKey('mfa', userId, 'x}y')];
        const tags = keys.map((key) => /\{([^}]*)\}/.exec(key)?.[1]);
        expect(new Set(tags).size).toBe(1);
        expect(tags[0]).toBe(`mfa:${escapeKeyPart(userId)}`);
      }
    });
  });
});

describe('the redis entry point', () => {
  it('imports neither redis nor ioredis, not even their types, and the root never imports it', async () => {
    const dir = new URL('./', import.meta.url);
    const sources = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.includes('.spec.'));
    expect(sources.length).toBeGreaterThan(3);
    for (const file of sources) {
      const source = await readFile(new URL(file, dir), 'utf8');
      expect(source).not.toMatch(/from\s+'(?:redis|ioredis|@redis\/[^']+)'/);
      expect(source).not.toMatch(/import\(\s*'(?:redis|ioredis)/);
    }

    const seen = new Set<string>();
    const pending = [new URL('../index.ts', import.meta.url)];
    while (pending.length > 0) {
      const file = pending.pop();
      if (!file || seen.has(file.href)) continue;
      seen.add(file.href);
      const source = await readFile(file, 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s+'([^']+)'/g)) {
        if (specifier.startsWith('.')) {
          pending.push(new URL(specifier.replace(/\.js$/, '.ts'), file));
        } else {
          expect(specifier).not.toMatch(/^(?:redis|ioredis)(?:\/|$)/);
        }
      }
    }
    expect([...seen].filter((f) => f.includes('/src/redis/'))).toEqual([]);
  });
});
