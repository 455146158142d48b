import 'reflect-metadata';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { usersWithMfa } from '../src/users.js';

const CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;

describe('a Nest 12 ESM app using @nest-auth/mfa from the tarball', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(new ValidationPipe());
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('generates a recovery code for the signed-in user', async () => {
    const response = await request(app.getHttpServer())
      .post('/me/mfa/recovery-codes')
      .set('x-user-id', 'bob')
      .expect(201);
    expect(Object.keys(response.body)).toEqual(['code']);
    expect(response.body.code).toMatch(CODE);
  });

  it('answers 401 when no user is signed in', async () => {
    await request(app.getHttpServer()).post('/me/mfa/recovery-codes').expect(401);
  });

  it('resets MFA with a code once, then refuses the same code', async () => {
    const server = app.getHttpServer();
    const { body } = await request(server)
      .post('/me/mfa/recovery-codes')
      .set('x-user-id', 'alice')
      .expect(201);

    await request(server)
      .post('/me/mfa/reset')
      .set('x-user-id', 'alice')
      .send({ code: body.code })
      .expect(200, { reset: true });
    expect(usersWithMfa.has('alice')).toBe(false);

    const reuse = await request(server)
      .post('/me/mfa/reset')
      .set('x-user-id', 'alice')
      .send({ code: body.code })
      .expect(401);
    expect(reuse.body.error).toBe('invalid_recovery_code');
  });

  it('refuses generate to a session that still owes the second factor, and lets it reset', async () => {
    const server = app.getHttpServer();
    const { body } = await request(server)
      .post('/me/mfa/recovery-codes')
      .set('x-user-id', 'carol')
      .expect(201);
    const mint = await request(server)
      .post('/me/mfa/recovery-codes')
      .set({ 'x-user-id': 'carol', 'x-mfa-pending': 'true' })
      .expect(401);
    expect(mint.body.error).toBe('mfa_required');
    await request(server)
      .post('/me/mfa/reset')
      .set({ 'x-user-id': 'carol', 'x-mfa-pending': 'true' })
      .send({ code: body.code })
      .expect(200, { reset: true });
  });

  it('serves the ready-made routes without @nestjs/graphql or @nestjs/websockets installed', async () => {
    // Optional peers: this app does not install them, and the package must not need them.
    for (const name of ['@nestjs/graphql', '@nestjs/websockets']) {
      await expect(import(name)).rejects.toThrow();
    }
    const server = app.getHttpServer();
    const user = { 'x-user-id': 'dave' };
    const { body } = await request(server)
      .post('/account/mfa/recovery-codes')
      .set(user)
      .expect(201);
    expect(body.code).toMatch(CODE);
    const status = await request(server).get('/account/mfa/recovery-codes').set(user).expect(200);
    expect(status.body).toMatchObject({ remaining: 1 });
    await request(server)
      .post('/account/mfa/recovery-codes/redeem')
      .set({ ...user, 'x-mfa-pending': 'true' })
      .send({ code: body.code })
      .expect(200, { remaining: 0 });
    const unauthorized = await request(server).get('/account/mfa/recovery-codes').expect(401);
    expect(unauthorized.body.error).toBe('unauthorized');
  });

  it('refuses a malformed body with 400', async () => {
    await request(app.getHttpServer())
      .post('/me/mfa/reset')
      .set('x-user-id', 'bob')
      .send({ code: ['not', 'a', 'string'] })
      .expect(400);
  });
});
