import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DemoModule } from '../../demo/server/demo.module.js';
import { totp as serverTotp } from '../../demo/server/totp.js';
import { totp as phoneTotp } from '../../demo/web/totp.js';

// RFC 6238 appendix B, HMAC-SHA-1: the secret is ASCII "12345678901234567890". Six digits are
// the last six of the RFC's eight (the truncated value modulo 10^6).
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('the demo authenticator (RFC 6238 TOTP)', () => {
  it.each(RFC_VECTORS)(
    'gives the RFC code at T=%i s, on the server and on the phone',
    async (t, code) => {
      expect(serverTotp(RFC_SECRET, t * 1000)).toBe(code.slice(2));
      expect(await phoneTotp(RFC_SECRET, t * 1000)).toBe(code.slice(2));
    },
  );
});

describe('the demo server: password, then a second factor, then recovery codes', () => {
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DemoModule.create({ attemptWindowMs: 60_000 })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    server = app.getHttpServer();
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Signs up `name`, enrols an authenticator and saves ten codes: a fully set-up account. */
  async function enrolledAccount(name: string) {
    const agent = request.agent(server);
    await agent.post('/demo/accounts').send({ name, password: 'correct horse' }).expect(201);
    const { secret } = (await agent.post('/demo/authenticator').expect(201)).body as {
      secret: string;
    };
    await agent
      .post('/demo/authenticator/confirm')
      .send({ code: serverTotp(secret) })
      .expect(200, { user: { name, mfaEnabled: true, mfaPending: false } });
    const { codes } = (await agent.put('/me/mfa/recovery-codes').send({ count: 10 }).expect(200))
      .body as { codes: string[] };
    return { secret, codes };
  }

  /** The mailbox of the agent's account, once it holds `count` messages (or after 5 s). */
  async function mailboxOnceItHolds(agent: ReturnType<typeof request.agent>, count: number) {
    let box = { messages: [] as { subject: string; body: string }[] };
    for (let i = 0; i < 50 && box.messages.length < count; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      box = (await agent.get('/demo/mailbox').expect(200)).body as typeof box;
    }
    return box;
  }

  /** A new browser that typed the right password: an MFA-pending session. */
  async function afterPassword(name: string) {
    const agent = request.agent(server);
    await agent
      .post('/demo/session')
      .send({ name, password: 'correct horse' })
      .expect(200, { user: { name, mfaEnabled: true, mfaPending: true } });
    return agent;
  }

  it('lets a new account without an authenticator enrol, since it owes no second factor', async () => {
    const agent = request.agent(server);
    await agent
      .post('/demo/accounts')
      .send({ name: 'Nadia', password: 'correct horse' })
      .expect(201, { user: { name: 'Nadia', mfaEnabled: false, mfaPending: false } });
    const { secret, uri } = (await agent.post('/demo/authenticator').expect(201)).body as {
      secret: string;
      uri: string;
    };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toContain(`secret=${secret}`);
    await agent.post('/demo/authenticator/confirm').send({ code: '000000' }).expect(401);
    await agent
      .post('/demo/authenticator/confirm')
      .send({ code: serverTotp(secret) })
      .expect(200);
    await agent.get('/demo/session').expect(200, {
      user: { name: 'Nadia', mfaEnabled: true, mfaPending: false },
    });
  });

  it('refuses sign-up and sign-in with sentences a person would write', async () => {
    await request(server)
      .post('/demo/accounts')
      .send({ name: 'Olga', password: 'short' })
      .expect(400)
      .expect(({ body }) =>
        expect(body.message).toBe('Choose a password of at least 8 characters.'),
      );
    await request(server).post('/demo/accounts').send({ name: 'Olga', password: 'long enough' });
    await request(server)
      .post('/demo/accounts')
      .send({ name: 'olga', password: 'long enough' })
      .expect(409)
      .expect(({ body }) =>
        expect(body.message).toBe(
          'There is already an account called olga. Sign in, or choose another name.',
        ),
      );
    for (const credentials of [
      { name: 'Olga', password: 'wrong password' },
      { name: 'Nobody', password: 'long enough' },
    ]) {
      await request(server)
        .post('/demo/session')
        .send(credentials)
        .expect(401)
        .expect(({ body }) =>
          expect(body.message).toBe(
            "That name and password don't match an account. Check both and try again.",
          ),
        );
    }
  });

  it('gives an MFA-pending session no way to mint codes or change the authenticator', async () => {
    await enrolledAccount('Petra');
    const pending = await afterPassword('Petra');
    for (const [method, path] of [
      ['post', '/me/mfa/recovery-codes'],
      ['put', '/me/mfa/recovery-codes'],
      ['get', '/me/mfa/recovery-codes'],
      ['delete', '/me/mfa/recovery-codes'],
      ['post', '/demo/authenticator'],
    ] as const) {
      const response = await pending[method](path).send({});
      expect([path, response.status, response.body.error]).toEqual([path, 401, 'mfa_required']);
    }
  });

  it('completes the sign-in with the authenticator code', async () => {
    const { secret } = await enrolledAccount('Quinn');
    const pending = await afterPassword('Quinn');
    await pending
      .post('/demo/session/totp')
      .send({ code: '000000' })
      .expect(401)
      .expect(({ body }) => expect(body.message).toContain("That code doesn't match."));
    await pending
      .post('/demo/session/totp')
      .send({ code: serverTotp(secret) })
      .expect(200, { user: { name: 'Quinn', mfaEnabled: true, mfaPending: false } });
    await pending.get('/me/mfa/recovery-codes').expect(200);
  });

  it('signs in once with a recovery code, and says how many remain', async () => {
    const { codes } = await enrolledAccount('Rosa');
    const pending = await afterPassword('Rosa');
    await pending
      .post('/me/mfa/recovery-codes/redeem')
      .send({ code: codes[0] })
      .expect(200, { remaining: 9 });
    await pending.get('/demo/session').expect(200, {
      user: { name: 'Rosa', mfaEnabled: true, mfaPending: false },
    });
    await pending.post('/me/mfa/recovery-codes').expect(201);
    // The spent code does not sign in a second time.
    const again = await afterPassword('Rosa');
    await again.post('/me/mfa/recovery-codes/redeem').send({ code: codes[0] }).expect(401);
    await again.get('/demo/session').expect(200, {
      user: { name: 'Rosa', mfaEnabled: true, mfaPending: true },
    });
  });

  it('resets MFA with a recovery code: the authenticator is gone and must be enrolled again', async () => {
    const { codes, secret } = await enrolledAccount('Sami');
    const pending = await afterPassword('Sami');
    await pending.post('/me/mfa/reset').send({ code: codes[3] }).expect(200, { reset: true });
    await pending.get('/demo/session').expect(200, {
      user: { name: 'Sami', mfaEnabled: false, mfaPending: false },
    });
    // The old authenticator no longer signs in; the password alone now does, until enrolment.
    await request(server)
      .post('/demo/session')
      .send({ name: 'Sami', password: 'correct horse' })
      .expect(200, { user: { name: 'Sami', mfaEnabled: false, mfaPending: false } });
    await pending
      .post('/demo/session/totp')
      .send({ code: serverTotp(secret) })
      .expect(401);
    await pending.post('/demo/authenticator').expect(201);
  });

  it('mails a notice for issued codes, a used code, a reset and a lockout, never a code', async () => {
    const { codes } = await enrolledAccount('Tove');
    const pending = await afterPassword('Tove');
    await pending.post('/me/mfa/recovery-codes/redeem').send({ code: codes[0] }).expect(200);
    const again = await afterPassword('Tove');
    await again.post('/me/mfa/reset').send({ code: codes[1] }).expect(200);
    await enrolledAccount('Uma');
    const guesser = await afterPassword('Uma');
    for (let i = 0; i < 5; i++) {
      await guesser.post('/me/mfa/recovery-codes/redeem').send({ code: codes[2] }).expect(401);
    }
    await guesser
      .post('/me/mfa/recovery-codes/redeem')
      .send({ code: codes[2] })
      .expect(429)
      .expect('Retry-After', /^\d+$/);

    // Notices are delivered just after the action (the library never makes it wait for them).
    const tove = await mailboxOnceItHolds(again, 3);
    expect(tove.messages.map((mail) => mail.subject)).toEqual([
      'Two-step sign-in was turned off',
      'A recovery code was used to sign in',
      'New recovery codes',
    ]);
    expect(tove.messages[1]?.body).toContain('You have 9 recovery codes left.');
    const uma = await mailboxOnceItHolds(guesser, 2);
    expect(uma.messages.map((mail) => mail.subject)).toEqual([
      'Too many wrong recovery codes',
      'New recovery codes',
    ]);
    const everything = JSON.stringify([tove, uma]);
    for (const code of codes) expect(everything).not.toContain(code);
    for (const code of codes) expect(everything).not.toContain(code.slice(0, 8));
  });

  it('shows the mailbox only to a session of its account', async () => {
    await request(server).get('/demo/mailbox').expect(401);
  });
});
