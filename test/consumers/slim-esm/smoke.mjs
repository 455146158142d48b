// Smoke e2e of an install without install scripts and without optional dependencies: on a Node
// with crypto.argon2 the ready-made routes work with no argon2 package and no native binary in
// node_modules; on an older Node the app refuses to start with a message that names the fix.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MfaModule } from '@nest-auth/mfa';

const CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const mfaOff = new Set();

class AppModule {}
Reflect.decorate(
  [
    Module({
      imports: [
        MfaModule.forRoot({
          routes: true,
          authenticate: (request) => {
            const id = request.headers['x-user-id'];
            return typeof id === 'string' && id ? { id } : null;
          },
          onMfaReset: (userId) => void mfaOff.add(userId),
        }),
      ],
    }),
  ],
  AppModule,
);

/** Every native addon under node_modules. */
function nativeBinaries(dir = join(process.cwd(), 'node_modules'), found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) nativeBinaries(path, found);
    else if (entry.name.endsWith('.node')) found.push(path);
  }
  return found;
}

async function withBuiltIn() {
  await assert.rejects(import('argon2'), { code: 'ERR_MODULE_NOT_FOUND' });
  assert.deepEqual(nativeBinaries(), []);

  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const call = (method, path, body) =>
    fetch(`${base}/me/mfa/${path}`, {
      method,
      headers: {
        'x-user-id': 'alice',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  try {
    const one = await call('POST', 'recovery-codes');
    assert.equal(one.status, 201);
    assert.match((await one.json()).code, CODE);

    const set = await call('PUT', 'recovery-codes', { count: 3 });
    assert.equal(set.status, 200);
    assert.equal(set.headers.get('etag'), null);
    assert.equal(set.headers.get('cache-control'), 'no-store');
    const { codes } = await set.json();
    assert.equal(codes.length, 3);

    const redeemed = await call('POST', 'recovery-codes/redeem', { code: codes[0] });
    assert.equal(redeemed.status, 200);
    assert.deepEqual(await redeemed.json(), { remaining: 2 });

    const reset = await call('POST', 'reset', { code: codes[1] });
    assert.equal(reset.status, 200);
    assert.equal(mfaOff.has('alice'), true);

    const reused = await call('POST', 'reset', { code: codes[1] });
    assert.equal(reused.status, 401);
    assert.equal((await reused.json()).error, 'invalid_recovery_code');
  } finally {
    await app.close();
  }
  return 'the flow works on crypto.argon2, with no argon2 package and no .node binary installed';
}

async function withoutAny() {
  const app = await NestFactory.create(AppModule, { logger: false });
  const error = await app.init().then(
    () => assert.fail('the app started without an argon2 implementation'),
    (e) => e,
  );
  await app.close().catch(() => undefined);
  assert.equal(error.name, 'MfaConfigurationError');
  assert.match(error.message, /`npm install argon2`/);
  assert.match(error.message, /Node 24\.7 or later/);
  return 'no crypto.argon2 and no argon2 package: startup fails naming the fix';
}

const outcome = typeof crypto.argon2 === 'function' ? await withBuiltIn() : await withoutAny();
console.log(`slim-esm on Node ${process.version}: ${outcome}`);
