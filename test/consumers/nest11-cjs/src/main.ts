import 'reflect-metadata';
import { ValidationPipe, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';

export type HttpAdapterName = 'express' | 'fastify';

/** Boots the app on `port` (0 picks a free one) on the named HTTP adapter and returns it listening. */
export async function bootstrap(
  port = 3000,
  adapter: HttpAdapterName = 'express',
): Promise<INestApplication> {
  const logger: LogLevel[] = ['error', 'warn'];
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger })
      : await NestFactory.create(AppModule, { logger });
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port, '127.0.0.1');
  return app;
}

if (require.main === module) {
  const adapter = process.env.HTTP_ADAPTER === 'fastify' ? 'fastify' : 'express';
  void bootstrap(Number(process.env.PORT ?? 3000), adapter);
}
