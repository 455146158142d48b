import 'reflect-metadata';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

/** Boots the app on `port` (0 picks a free one) and returns it listening. */
export async function bootstrap(port = 3000): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.useGlobalPipes(new ValidationPipe());
  await app.listen(port, '127.0.0.1');
  return app;
}

if (require.main === module) {
  void bootstrap(Number(process.env.PORT ?? 3000));
}
