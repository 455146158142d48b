// Smoke e2e of the CommonJS build: boots dist/main.js, which `require`s the ESM-only
// @nest-auth/mfa through Node's require(esm), and drives the product page's endpoints with fetch.
'use strict';
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');

const CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;

async function main() {
  assert.equal(process.features.require_module, true, 'this Node has no require(esm)');
  // tsc emitted CommonJS that loads the ESM-only package with a plain require().
  assert.match(
    readFileSync(`${__dirname}/dist/app.module.js`, 'utf8'),
    /require\("@nest-auth\/mfa"\)/,
  );
  const { bootstrap } = require('./dist/main.js');
  const { usersWithMfa } = require('./dist/app.module.js');
  assert.match(
    require.resolve('@nest-auth/mfa'),
    /[\\/]node_modules[\\/]@nest-auth[\\/]mfa[\\/]dist[\\/]index\.js$/,
  );

  const app = await bootstrap(0);
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const post = (path, { user, body } = {}) =>
    fetch(base + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(user ? { 'x-user-id': user } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let passed = 0;
  const check = async (name, run) => {
    await run();
    passed++;
    console.log(`  ok ${passed} - ${name}`);
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
    });
    await check('reset with the code disables MFA', async () => {
      const response = await post('/me/mfa/reset', { user: 'alice', body: { code } });
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
    });
  } finally {
    await app.close();
  }
  console.log(`nest11-cjs smoke: ${passed} passed`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
