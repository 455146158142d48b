import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import {
  MfaModule,
  MfaService,
  RecoveryCodeStoreUnavailableException,
  TooManyAttemptsException,
} from '@nest-auth/mfa';
import { RedisRecoveryCodeStore } from '@nest-auth/mfa/redis';
import { describeAttemptStore, describeRecoveryCodeStore } from '@nest-auth/mfa/testing';
import { Redis } from 'ioredis';

const REDIS_SERVER = '/usr/bin/redis-server';
const ioredisVersion: string = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('ioredis/package.json'), 'utf8'),
).version;

/** Without redis-server this consumer skips loudly, except under CI=true, where it fails. */
const describeWithRedis =
  existsSync(REDIS_SERVER) || process.env.CI === 'true' ? describe : describe.skip;
if (describeWithRedis === describe.skip) {
  console.warn('ioredis 6 consumer SKIPPED: install redis-server (apt-get install redis-server).');
}

describeWithRedis(`@nest-auth/mfa/redis on ioredis ${ioredisVersion}`, () => {
  let server: LocalRedis;
  let client: Redis;

  beforeAll(async () => {
    server = await LocalRedis.start();
    client = new Redis(server.port, '127.0.0.1', {
      retryStrategy: (times) => Math.min(50 * 2 ** times, 500),
    });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('runs on ioredis 6', () => {
    expect(ioredisVersion).toMatch(/^6\./);
  });

  describeRecoveryCodeStore('RedisRecoveryCodeStore (ioredis 6)', () => ({
    store: new RedisRecoveryCodeStore({ client }),
  }));
  describeAttemptStore(
    'RedisRecoveryCodeStore (ioredis 6)',
    () => ({ attemptStore: new RedisRecoveryCodeStore({ client }) }),
    { realWindowMs: 300 },
  );

  it('generates, redeems, locks out, answers 503 while Redis is down and recovers', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MfaModule.forRoot({
          store: new RedisRecoveryCodeStore({
            client,
            keyPrefix: 'consumer',
            commandTimeoutMs: 500,
          }),
          hashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
          maxAttempts: 3,
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    const mfa = moduleRef.get(MfaService);
    try {
      const { codes } = await mfa.generateRecoveryCodes('alice', 3);
      expect(await mfa.redeemRecoveryCode('alice', codes[0])).toEqual({ remaining: 2 });
      expect(await client.keys('{consumer:alice}*')).toEqual(['{consumer:alice}:codes']);

      for (let i = 0; i < 3; i++)
        await expect(mfa.redeemRecoveryCode('bob', codes[1])).rejects.toThrow();
      await expect(mfa.redeemRecoveryCode('bob', codes[1])).rejects.toBeInstanceOf(
        TooManyAttemptsException,
      );

      await server.halt();
      await expect(mfa.redeemRecoveryCode('alice', codes[1])).rejects.toBeInstanceOf(
        RecoveryCodeStoreUnavailableException,
      );
      await server.resume();
      while (client.status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 50));
      // No persistence here: the restart emptied Redis, so the user starts over with a new set.
      const { codes: fresh } = await mfa.generateRecoveryCodes('alice', 2);
      expect(await mfa.redeemRecoveryCode('alice', fresh[0])).toEqual({ remaining: 1 });
    } finally {
      await moduleRef.close();
    }
  });
});

/** A redis-server on a free loopback port, stopped by its pid. */
class LocalRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<LocalRedis> {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const server = new LocalRedis(port, mkdtempSync(join(tmpdir(), 'consumer-redis-')));
    await server.resume();
    return server;
  }

  async resume(): Promise<void> {
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log}`)));
    });
    child.stdout?.resume();
  }

  async halt(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.pid === undefined) return;
    const exited = once(child, 'exit');
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }

  async stop(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
