// A child process of cross-process.e2e-spec.ts: one app instance, listening on a free port.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { RedisAppModule } from './app.module.js';

const app = await NestFactory.create(RedisAppModule, new ExpressAdapter(), {
  logger: ['error', 'warn'],
});
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
const address = app.getHttpServer().address();
process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
