import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';

/** The HTTP adapters every e2e suite runs on. */
export const ADAPTERS = ['express', 'fastify'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export { FAST_HASHING } from '../../src/codes/testing/fast-hashing.js';

export interface TestApp {
  app: INestApplication;
  moduleRef: TestingModule;
  /** The Node HTTP server, for supertest. */
  server: ReturnType<INestApplication['getHttpServer']>;
  close(): Promise<void>;
}

/**
 * Boots a real Nest app over HTTP on the given adapter. `configure` runs before `init()`, for
 * pipes and middleware.
 */
export async function createTestApp(
  metadata: ModuleMetadata,
  adapter: AdapterName,
  configure?: (app: INestApplication) => void,
): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app =
    adapter === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
          logger: false,
        })
      : moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
  configure?.(app);
  await app.init();
  if (adapter === 'fastify') {
    await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  }
  return { app, moduleRef, server: app.getHttpServer(), close: () => app.close() };
}
