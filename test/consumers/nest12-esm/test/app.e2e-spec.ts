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

  it('refuses a malformed body with 400', async () => {
    await request(app.getHttpServer())
      .post('/me/mfa/reset')
      .set('x-user-id', 'bob')
      .send({ code: ['not', 'a', 'string'] })
      .expect(400);
  });
});
