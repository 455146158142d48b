import { afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  AUTHENTICATION_REQUIRED_MESSAGE,
  INVALID_RECOVERY_CODE_MESSAGE,
  InMemoryRecoveryCodeStore,
  MFA_REQUIRED_MESSAGE,
  MfaService,
  TOO_MANY_ATTEMPTS_MESSAGE,
  type MfaModuleOptions,
} from '../../src/index.js';
import { createTestApp, type AdapterName, type TestApp } from '../utils/test-app.js';
import { graphqlAppModule, type GraphqlDriverName } from './graphql-app.module.js';

const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const alice = { 'x-user-id': 'alice' };
const ME = '{ me { id name } }';
const GENERATE = 'mutation { generateRecoveryCode { code } }';
const REDEEM = 'mutation Redeem($code: String!) { redeemRecoveryCode(code: $code) { remaining } }';

/** A GraphQL response as both drivers send it. */
interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/**
 * The GraphQL e2e suite for one driver: a real app, driven by GraphQL POSTs. Each driver's spec
 * file calls it, so that one driver's suite runs (and fails) on its own.
 */
export function describeGraphqlContext(setup: { driver: GraphqlDriverName; adapter: AdapterName }) {
  describe(`recovery codes over GraphQL (${setup.driver} on ${setup.adapter})`, () => {
    const apps: TestApp[] = [];
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((a) => a.close()));
    });

    async function boot(options: MfaModuleOptions = {}) {
      const app = await createTestApp(
        { imports: [graphqlAppModule(setup.driver, options)] },
        setup.adapter,
      );
      apps.push(app);
      /** POSTs one operation to /graphql, as a GraphQL client does. */
      const graphql = async (
        query: string,
        variables?: Record<string, unknown>,
        headers: Record<string, string> = alice,
      ) => {
        const res = await request(app.server)
          .post('/graphql')
          .set(headers)
          .send({ query, variables })
          .expect(200);
        return { body: res.body as GraphqlBody, text: res.text };
      };
      return { graphql, mfa: app.app.get(MfaService) };
    }

    it('answers a GraphQL error with code unauthorized when no user is signed in', async () => {
      const { graphql, mfa } = await boot();
      const { body } = await graphql(GENERATE, undefined, {});
      expect(body.data ?? null).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]).toMatchObject({
        message: AUTHENTICATION_REQUIRED_MESSAGE,
        path: ['generateRecoveryCode'],
        extensions: { code: 'unauthorized' },
      });
      expect(await mfa.getRecoveryCodeStatus('alice')).toMatchObject({ remaining: 0 });
    });

    it('hands @CurrentUser() the user that authenticate returned for the HTTP request', async () => {
      const { graphql } = await boot();
      const { body } = await graphql(ME);
      expect(body).toEqual({ data: { me: { id: 'alice', name: 'alice example' } } });
    });

    it('refuses an MFA-pending session with mfa_required on @Auth(), and lets it redeem', async () => {
      const { graphql } = await boot();
      const { code } = await generateFor(graphql);
      const pending = { ...alice, 'x-mfa-pending': 'true' };
      const refused = await graphql(GENERATE, undefined, pending);
      expect(refused.body.errors?.[0]).toMatchObject({
        message: MFA_REQUIRED_MESSAGE,
        extensions: { code: 'mfa_required' },
      });
      const redeemed = await graphql(REDEEM, { code }, pending);
      expect(redeemed.body).toEqual({ data: { redeemRecoveryCode: { remaining: 0 } } });
    });

    it('generates, redeems once, refuses the reuse, then locks out with retryAfter, echoing no code', async () => {
      const clock = { now: Date.now() };
      const store = new InMemoryRecoveryCodeStore({ now: () => clock.now });
      const { graphql } = await boot({ store, maxAttempts: 3, attemptWindowMs: 600_000 });
      const { code } = await generateFor(graphql);
      expect(code).toMatch(HEX_CODE);
      const spare = (await generateFor(graphql)).code;

      const redeemed = await graphql(REDEEM, { code });
      expect(redeemed.body).toEqual({ data: { redeemRecoveryCode: { remaining: 1 } } });

      const errorTexts: string[] = [];
      const reuse = await graphql(REDEEM, { code });
      errorTexts.push(reuse.text);
      expect(reuse.body.data ?? null).toBeNull();
      expect(reuse.body.errors?.[0]).toMatchObject({
        message: INVALID_RECOVERY_CODE_MESSAGE,
        path: ['redeemRecoveryCode'],
        extensions: { code: 'invalid_recovery_code' },
      });

      const wrong = ['ffffffff-ffff-ffff-ffff', 'eeeeeeee-eeee-eeee-eeee'];
      for (const guess of wrong) {
        const res = await graphql(REDEEM, { code: guess });
        errorTexts.push(res.text);
        expect(res.body.errors?.[0]?.extensions).toEqual(
          expect.objectContaining({ code: 'invalid_recovery_code' }),
        );
      }

      clock.now += 60_000;
      const locked = await graphql(REDEEM, { code: spare });
      errorTexts.push(locked.text);
      expect(locked.body.errors?.[0]).toMatchObject({
        message: TOO_MANY_ATTEMPTS_MESSAGE,
        extensions: { code: 'too_many_attempts', retryAfter: 540 },
      });

      for (const text of errorTexts) {
        for (const sent of [code, spare, ...wrong]) expect(text).not.toContain(sent);
      }
      // The lockout consumed nothing: once the window has passed the spare code works.
      clock.now += 540_000;
      const later = await graphql(REDEEM, { code: spare });
      expect(later.body).toEqual({ data: { redeemRecoveryCode: { remaining: 0 } } });
    });

    it('answers malformed input with bad_request and does not echo it', async () => {
      const { graphql } = await boot();
      const input = `not-a-code-${'z'.repeat(200)}`;
      const { body, text } = await graphql(REDEEM, { code: input });
      expect(body.errors?.[0]?.extensions).toEqual(
        expect.objectContaining({ code: 'bad_request' }),
      );
      expect(text).not.toContain('zzzzzzzz');
    });
  });
}

/** Generates a code for alice through the GraphQL API. */
async function generateFor(
  graphql: (query: string) => Promise<{ body: GraphqlBody }>,
): Promise<{ code: string }> {
  const { body } = await graphql(GENERATE);
  const generated = body.data?.generateRecoveryCode as { code: string } | undefined;
  if (!generated) throw new Error(`generate failed: ${JSON.stringify(body)}`);
  return generated;
}
