import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MfaService } from '../src/index.js';
import { MAX_AUTH_AGE, SessionAppModule, useSessions } from './express-session/app.module.js';
import { createTestApp, type TestApp } from './utils/test-app.js';

describe('an express-session app (express)', () => {
  let testApp: TestApp;
  let mfa: MfaService;

  beforeAll(async () => {
    testApp = await createTestApp({ imports: [SessionAppModule] }, 'express', useSessions);
    mfa = testApp.app.get(MfaService);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('reads a stored Date that came back as an ISO string as fresh, and finishes the sign-in on redeem', async () => {
    const { code } = await mfa.generateRecoveryCode('paula');
    const agent = request.agent(testApp.server);
    await agent.post('/auth/login').send({ userId: 'paula' }).expect(200);

    const stored = await agent.get('/auth/session').expect(200);
    expect(stored.body.authenticatedAtType).toBe('string');
    expect(new Date(stored.body.user.authenticatedAt).toISOString()).toBe(
      stored.body.user.authenticatedAt,
    );

    // Still owes the second factor: no minting codes.
    const mint = await agent.post('/me/mfa/recovery-codes').expect(401);
    expect(mint.body.error).toBe('mfa_required');

    await agent.post('/me/mfa/recovery-codes/redeem').send({ code }).expect(200, { remaining: 0 });
    const after = await agent.get('/auth/session').expect(200);
    expect(after.body.user).toMatchObject({ id: 'paula', mfaPending: false });

    // Fully signed in, and the ISO string counts as a fresh sign-in under routes.maxAuthAge.
    const generated = await agent.post('/me/mfa/recovery-codes').expect(201);
    expect(generated.body.code).toEqual(expect.any(String));
    await agent.delete('/me/mfa/recovery-codes').expect(204);
  });

  it('lets a user without MFA enrol, and refuses generate once the sign-in is older than maxAuthAge', async () => {
    const fresh = request.agent(testApp.server);
    await fresh.post('/auth/login').send({ userId: 'quinn', mfaEnrolled: false }).expect(200);
    await fresh.post('/me/mfa/recovery-codes').expect(201);

    const old = request.agent(testApp.server);
    await old
      .post('/auth/login')
      .send({ userId: 'quinn', mfaEnrolled: false, signedInAgoMs: MAX_AUTH_AGE + 60_000 })
      .expect(200);
    const res = await old.put('/me/mfa/recovery-codes').send({ count: 2 }).expect(401);
    expect(res.body.error).toBe('reauthentication_required');
    await old.get('/me/mfa/recovery-codes').expect(200);
  });

  it('lets a pending session with an old sign-in reset MFA (no age limit there)', async () => {
    const { code } = await mfa.generateRecoveryCode('rosa');
    const agent = request.agent(testApp.server);
    await agent
      .post('/auth/login')
      .send({ userId: 'rosa', signedInAgoMs: MAX_AUTH_AGE + 60_000 })
      .expect(200);
    await agent.post('/me/mfa/reset').send({ code }).expect(200, { reset: true });
  });
});
