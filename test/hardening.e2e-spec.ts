import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { RecoveryCodeHasher } from '../src/codes/recovery-code.hasher.js';
import {
  Auth,
  CurrentUser,
  MfaModule,
  MfaService,
  type MfaModuleOptions,
  type NestAuthRequest,
} from '../src/index.js';
import { RecordingStore } from '../src/store/testing/recording-store.js';
import { ADAPTERS, createTestApp, FAST_HASHING, type AdapterName } from './utils/test-app.js';

const WRONG_CODE = '00000000-0000-0000-0000';
const TRUSTED = 'https://app.example.com';

/** Routes outside the library: what the platform does on its own, and an app's own controller. */
@Controller('control')
class ControlController {
  constructor(private readonly mfa: MfaService) {}

  /** As on the product page, with a limit of one generation a minute for this call. */
  @Auth()
  @Post('generate')
  generate(@CurrentUser('id') userId: string) {
    return this.mfa.generateRecoveryCode(userId, { generationLimit: { max: 1, windowMs: 60_000 } });
  }

  @Post()
  @HttpCode(200)
  echo() {
    return { value: 'a1b2c3d4-e5f6-7890-abcd' };
  }

  @Get()
  read() {
    return { value: 'a1b2c3d4-e5f6-7890-abcd' };
  }
}

/**
 * A real app on a loopback port, with the ready-made routes. Both platforms parse forms (Nest
 * registers the parsers); on Fastify a hook adds an ETag to every response, as `@fastify/etag` would.
 */
async function startApp(adapter: AdapterName, options: MfaModuleOptions = {}) {
  const store = new RecordingStore();
  const testApp = await createTestApp(
    {
      imports: [
        MfaModule.forRoot({
          routes: { trustedOrigins: [TRUSTED] },
          store,
          hashing: { ...FAST_HASHING, maxQueue: 5000 },
          maxAttempts: 2,
          authenticate: (req: NestAuthRequest) => {
            const id = req.headers['x-user-id'];
            return typeof id === 'string' && id ? { id } : null;
          },
          onMfaReset: () => undefined,
          ...options,
        }),
      ],
      controllers: [ControlController],
    },
    adapter,
    (app) => {
      if (adapter !== 'fastify') return;
      const fastify = app as NestFastifyApplication;
      fastify
        .getHttpAdapter()
        .getInstance()
        .addHook('onSend', async (_request, reply, payload) => {
          if (typeof payload === 'string') {
            reply.header('etag', `"${createHash('sha1').update(payload).digest('base64')}"`);
          }
          return payload;
        });
    },
  );
  await testApp.app.listen(0, '127.0.0.1');
  const url = (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');
  const hasher = testApp.moduleRef.get(RecoveryCodeHasher, { strict: false });
  return { testApp, url, store, hasher };
}

describe.each(ADAPTERS)('hardening of the ready-made routes (%s)', (adapter) => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let sequence = 0;
  let user: { 'x-user-id': string };

  beforeAll(async () => {
    app = await startApp(adapter);
  });

  afterAll(async () => {
    await app?.testApp.close();
  });

  beforeEach(() => {
    user = { 'x-user-id': `hardening-${adapter}-${++sequence}` };
  });

  const http = () => request(app.url);
  const remaining = async () =>
    (await http().get('/me/mfa/recovery-codes').set(user).expect(200)).body.remaining as number;
  const attemptsOf = (userId: string) =>
    app.store.calls.filter((c) => c.method === 'reserveAttempt' && c.args[0] === userId).length;

  describe('cross-site requests cannot mint codes', () => {
    /** Bodies a page on another site can send without CORS: forms, text/plain, multipart. */
    const NON_JSON: [string, string, string][] = [
      ['form-encoded', 'application/x-www-form-urlencoded', 'count=3&code=00000000'],
      ['text/plain', 'text/plain', '{"count":3,"code":"00000000-0000-0000-0000"}'],
      [
        'multipart',
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="count"\r\n\r\n3\r\n--x--\r\n',
      ],
    ];

    it.each(NON_JSON)(
      'answers a %s body with 415, costing no hash and no attempt',
      async (_name, type, body) => {
        const hash = jest.spyOn(app.hasher, 'hash');
        const verify = jest.spyOn(app.hasher, 'verify');
        try {
          for (const [method, path] of [
            ['post', '/me/mfa/recovery-codes'],
            ['put', '/me/mfa/recovery-codes'],
            ['post', '/me/mfa/recovery-codes/redeem'],
            ['post', '/me/mfa/reset'],
          ] as const) {
            const res = await http()[method](path).set(user).set('content-type', type).send(body);
            expect({ path, status: res.status }).toEqual({ path, status: 415 });
            // Fastify refuses multipart itself, before any route; the library answers the rest.
            if (!(adapter === 'fastify' && type.startsWith('multipart'))) {
              expect(res.body).toMatchObject({ statusCode: 415, error: 'unsupported_media_type' });
            }
          }
          expect(hash).not.toHaveBeenCalled();
          expect(verify).not.toHaveBeenCalled();
        } finally {
          hash.mockRestore();
          verify.mockRestore();
        }
        expect(attemptsOf(user['x-user-id'])).toBe(0);
        expect(await remaining()).toBe(0);
      },
    );

    it('still takes a bodiless POST without Content-Type, and JSON or +json bodies', async () => {
      await http().post('/me/mfa/recovery-codes').set(user).expect(201);
      await http()
        .put('/me/mfa/recovery-codes')
        .set(user)
        .set('content-type', 'application/json; charset=utf-8')
        .send('{"count":2}')
        .expect(200);
      const res = await http()
        .post('/me/mfa/recovery-codes/redeem')
        .set(user)
        .set('content-type', 'application/vnd.api+json')
        .send(JSON.stringify({ code: WRONG_CODE }));
      // Accepted by the policy; whether the platform parses +json decides 400 or 401.
      expect([400, 401, 415]).toContain(res.status);
      expect(res.body.error).not.toBe('unsupported_media_type');
      expect(await remaining()).toBe(2);
    });

    it('refuses cross-site and same-site fetch metadata with 403 cross_origin_request', async () => {
      for (const site of ['cross-site', 'same-site', 'CROSS-SITE']) {
        // The bodiless no-cors POST a third-party page can send: no Content-Type to refuse.
        const res = await http()
          .post('/me/mfa/recovery-codes')
          .set(user)
          .set('sec-fetch-site', site)
          .set('origin', 'https://evil.example')
          .expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'cross_origin_request' });
      }
      // Checked before authentication: no session lookup for a forged request.
      const anonymous = await http()
        .post('/me/mfa/recovery-codes')
        .set('sec-fetch-site', 'cross-site')
        .expect(403);
      expect(anonymous.body.error).toBe('cross_origin_request');
      await http()
        .post('/me/mfa/reset')
        .set('content-type', 'text/plain')
        .send('{"code":"x"}')
        .expect(415);
      await http()
        .delete('/me/mfa/recovery-codes')
        .set(user)
        .set('sec-fetch-site', 'cross-site')
        .expect(403);
      expect(await remaining()).toBe(0);
    });

    it('refuses an Origin other than the request’s host when fetch metadata is missing', async () => {
      for (const origin of ['https://evil.example', 'null', `http://localhost:1`, 'not a url']) {
        const res = await http()
          .post('/me/mfa/recovery-codes')
          .set(user)
          .set('origin', origin)
          .expect(403);
        expect(res.body.error).toBe('cross_origin_request');
      }
      expect(await remaining()).toBe(0);
      await http().post('/me/mfa/recovery-codes').set(user).set('origin', app.url).expect(201);
      expect(await remaining()).toBe(1);
    });

    it('lets same-origin requests, trusted origins, non-browser clients and safe methods through', async () => {
      await http()
        .post('/me/mfa/recovery-codes')
        .set(user)
        .set('sec-fetch-site', 'same-origin')
        .expect(201);
      await http()
        .post('/me/mfa/recovery-codes')
        .set(user)
        .set('sec-fetch-site', 'none')
        .expect(201);
      await http()
        .post('/me/mfa/recovery-codes')
        .set(user)
        .set('sec-fetch-site', 'cross-site')
        .set('origin', TRUSTED)
        .expect(201);
      await http().post('/me/mfa/recovery-codes').set(user).expect(201);
      const status = await http()
        .get('/me/mfa/recovery-codes')
        .set(user)
        .set('sec-fetch-site', 'cross-site')
        .set('origin', 'https://evil.example')
        .expect(200);
      expect(status.body.remaining).toBe(4);
    });
  });

  it('sends Retry-After with too_many_generations from an app’s own @Auth() controller too', async () => {
    await http().post('/control/generate').set(user).expect(201);
    const limited = await http().post('/control/generate').set(user).expect(429);
    expect(limited.body).toMatchObject({ error: 'too_many_generations' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  describe('no fast hash of a code in a header', () => {
    it('sends no ETag or digest header with codes, where the platform adds one elsewhere', async () => {
      // The platform's own behaviour on a route outside the library.
      const control = await http().post('/control').expect(200);
      expect(control.headers.etag).toBeDefined();

      const responses = [
        await http().post('/me/mfa/recovery-codes').set(user).expect(201),
        await http().put('/me/mfa/recovery-codes').set(user).send({ count: 3 }).expect(200),
        await http()
          .post('/me/mfa/recovery-codes/redeem')
          .set(user)
          .send({ code: WRONG_CODE })
          .expect(401),
        await http().get('/me/mfa/recovery-codes').set(user).expect(200),
      ];
      for (const res of responses) {
        for (const name of ['etag', 'content-md5', 'digest', 'content-digest', 'repr-digest']) {
          expect({ name, value: res.headers[name] }).toEqual({ name, value: undefined });
        }
      }
      expect(responses[0]!.headers['cache-control']).toBe('no-store');
      expect(responses[1]!.headers['cache-control']).toBe('no-store');
    });

    it('answers If-None-Match with the codes, never a 304', async () => {
      const res = await http()
        .put('/me/mfa/recovery-codes')
        .set(user)
        .set('if-none-match', '*')
        .send({ count: 2 })
        .expect(200);
      expect(res.body.codes).toHaveLength(2);
    });
  });

  describe('one user’s generation flood', () => {
    let flood: Awaited<ReturnType<typeof startApp>>;

    beforeAll(async () => {
      flood = await startApp(adapter, {
        hashing: { ...FAST_HASHING, maxConcurrency: 1, maxQueue: 5000 },
        maxActiveCodes: 10,
      });
    });

    afterAll(async () => {
      await flood?.testApp.close();
    });

    it('does not stall another user’s redemption, and the 31st set in 10 minutes answers 429', async () => {
      const floodHttp = () => request(flood.url);
      const bystander = { 'x-user-id': `bystander-${adapter}` };
      const flooder = { 'x-user-id': `flooder-${adapter}` };
      const { codes } = (
        await floodHttp()
          .put('/me/mfa/recovery-codes')
          .set(bystander)
          .send({ count: 2 })
          .expect(200)
      ).body as { codes: string[] };

      const finished: string[] = [];
      const sets = Array.from({ length: 30 }, () =>
        floodHttp()
          .put('/me/mfa/recovery-codes')
          .set(flooder)
          .send({ count: 10 })
          .then((res) => {
            finished.push('set');
            return res.status;
          }),
      );
      // Let the flood reach the hashing queue before the bystander arrives.
      const deadline = Date.now() + 10_000;
      while ((await queued(flood.hasher)) < 50 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await queued(flood.hasher)).toBeGreaterThanOrEqual(50);
      const redeemed = await floodHttp()
        .post('/me/mfa/recovery-codes/redeem')
        .set(bystander)
        .send({ code: codes[0] });
      finished.push('redeem');
      expect(redeemed.status).toBe(200);
      expect(redeemed.body).toEqual({ remaining: 1 });
      // It overtook the queued sets: most of the flood was still waiting when it was answered.
      expect(finished.indexOf('redeem')).toBeLessThan(10);

      expect(await Promise.all(sets)).toEqual(Array(30).fill(200));
      const limited = await floodHttp()
        .put('/me/mfa/recovery-codes')
        .set(flooder)
        .send({ count: 10 })
        .expect(429);
      expect(limited.body).toMatchObject({ error: 'too_many_generations' });
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(limited.body.retryAfter).toBe(retryAfter);
    });

    it('refuses work past hashing.maxQueue with 503 overloaded and Retry-After, not an endless queue', async () => {
      const small = await startApp(adapter, {
        hashing: { ...FAST_HASHING, maxConcurrency: 1, maxQueue: 20 },
      });
      try {
        const flooder = { 'x-user-id': `flooder-small-${adapter}` };
        const responses = await Promise.all(
          Array.from({ length: 12 }, () =>
            request(small.url).put('/me/mfa/recovery-codes').set(flooder).send({ count: 10 }),
          ),
        );
        const statuses = responses.map((r) => r.status);
        expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
        const refused = responses.filter((r) => r.status === 503);
        expect(refused.length).toBeGreaterThanOrEqual(1);
        expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
        for (const res of refused) {
          expect(res.body).toMatchObject({ error: 'overloaded' });
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
      } finally {
        await small.testApp.close();
      }
    });
  });
});

/** Operations admitted and waiting, read through the only public number the hasher has. */
async function queued(hasher: RecoveryCodeHasher): Promise<number> {
  return (hasher as unknown as { scheduler: { waiting: number } }).scheduler.waiting;
}
