// Smoke e2e of the CommonJS build: boots dist/main.js, which `require`s the ESM-only
// @nest-auth/mfa through Node's require(esm), and drives the product page's endpoints with fetch,
// once on each HTTP adapter with the same assertions.
'use strict';
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');

const ADAPTERS = ['express', 'fastify'];
const CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const WRONG_CODE = '00000000-0000-0000-0000-000000000000';
// The app's `maxAttempts` (src/app.module.ts) and the default 15-minute attempt window.
const MAX_ATTEMPTS = 2;
const WINDOW_SECONDS = 900;

async function smoke(adapter) {
  const { bootstrap } = require('./dist/main.js');
  const { usersWithMfa } = require('./dist/app.module.js');
  // The user records are module state, shared by the apps this process boots.
  usersWithMfa.add('alice');

  const app = await bootstrap(0, adapter);
  assert.equal(app.getHttpAdapter().getType(), adapter);
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const send = (method, path, { user, pending, body } = {}) =>
    fetch(base + path, {
      method,
      headers: {
        // Fastify refuses an empty body that claims to be JSON, so only a body gets the header.
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(user ? { 'x-user-id': user } : {}),
        ...(pending ? { 'x-mfa-pending': 'true' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const post = (path, options) => send('POST', path, options);
  let passed = 0;
  const check = async (name, run) => {
    await run();
    passed++;
    console.log(`  ok ${passed} - ${adapter}: ${name}`);
  };

  try {
    let code;
    await check('generate answers 201 { code } for the signed-in user', async () => {
      const response = await post('/me/mfa/recovery-codes', { user: 'alice' });
      assert.equal(response.status, 201);
      const body = await response.json();
      assert.deepEqual(Object.keys(body), ['code']);
      assert.match(body.code, CODE);
      code = body.code;
    });
    await check('generate answers 401 without a user', async () => {
      const response = await post('/me/mfa/recovery-codes');
      assert.equal(response.status, 401);
      await response.arrayBuffer();
    });
    await check(
      'generate answers 401 mfa_required to a session that owes the second factor',
      async () => {
        const response = await post('/me/mfa/recovery-codes', { user: 'alice', pending: true });
        assert.equal(response.status, 401);
        assert.equal((await response.json()).error, 'mfa_required');
      },
    );
    await check('reset with the code disables MFA, also for a pending session', async () => {
      assert.equal(usersWithMfa.has('alice'), true);
      const response = await post('/me/mfa/reset', {
        user: 'alice',
        pending: true,
        body: { code },
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { reset: true });
      assert.equal(usersWithMfa.has('alice'), false);
    });
    await check('reusing the code answers 401 invalid_recovery_code', async () => {
      const response = await post('/me/mfa/reset', { user: 'alice', body: { code } });
      assert.equal(response.status, 401);
      assert.equal((await response.json()).error, 'invalid_recovery_code');
    });
    await check('a malformed body answers 400', async () => {
      const response = await post('/me/mfa/reset', { user: 'alice', body: { code: 42 } });
      assert.equal(response.status, 400);
      await response.arrayBuffer();
    });
    await check(
      'the ready-made routes answer without @nestjs/graphql or @nestjs/websockets',
      async () => {
        for (const name of ['@nestjs/graphql', '@nestjs/websockets']) {
          assert.throws(() => require.resolve(name), { code: 'MODULE_NOT_FOUND' }, name);
        }
        const generated = await post('/account/mfa/recovery-codes', { user: 'erin' });
        assert.equal(generated.status, 201);
        const { code: routeCode } = await generated.json();
        assert.match(routeCode, CODE);
        const status = await send('GET', '/account/mfa/recovery-codes', { user: 'erin' });
        assert.equal(status.status, 200);
        assert.equal((await status.json()).remaining, 1);
        const redeemed = await post('/account/mfa/recovery-codes/redeem', {
          user: 'erin',
          pending: true,
          body: { code: routeCode },
        });
        assert.equal(redeemed.status, 200);
        assert.deepEqual(await redeemed.json(), { remaining: 0 });
      },
    );
    await check(`wrong codes answer 401 up to maxAttempts (${MAX_ATTEMPTS})`, async () => {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const response = await post('/me/mfa/reset', {
          user: 'mallory',
          body: { code: WRONG_CODE },
        });
        assert.equal(response.status, 401, `attempt ${attempt}`);
        assert.equal(response.headers.get('retry-after'), null);
        assert.equal((await response.json()).error, 'invalid_recovery_code');
      }
    });
    await check('the next attempt answers 429 too_many_attempts with Retry-After', async () => {
      const response = await post('/me/mfa/reset', { user: 'mallory', body: { code: WRONG_CODE } });
      assert.equal(response.status, 429);
      const retryAfter = response.headers.get('retry-after');
      assert.match(retryAfter ?? '', /^[1-9][0-9]*$/, `Retry-After: ${retryAfter}`);
      assert.ok(Number(retryAfter) <= WINDOW_SECONDS, `Retry-After: ${retryAfter}`);
      const body = await response.json();
      assert.equal(body.error, 'too_many_attempts');
      assert.equal(body.retryAfter, Number(retryAfter));
    });
  } finally {
    await app.close();
  }
  return passed;
}

async function main() {
  assert.equal(process.features.require_module, true, 'this Node has no require(esm)');
  // tsc emitted CommonJS that loads the ESM-only package with a plain require().
  assert.match(
    readFileSync(`${__dirname}/dist/app.module.js`, 'utf8'),
    /require\("@nest-auth\/mfa"\)/,
  );
  assert.match(
    require.resolve('@nest-auth/mfa'),
    /[\\/]node_modules[\\/]@nest-auth[\\/]mfa[\\/]dist[\\/]index\.js$/,
  );

  const results = [];
  for (const adapter of ADAPTERS) results.push(`${adapter} ${await smoke(adapter)} passed`);
  console.log(`nest11-cjs smoke on Node ${process.version}: ${results.join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
