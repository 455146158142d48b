import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DemoModule } from './demo.module.js';

// Compiled to demo/dist/demo/server/main.js; Vite builds the page into demo/dist/web.
const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));

async function main(): Promise<void> {
  if (!existsSync(`${webRoot}index.html`)) {
    throw new Error(`The demo page is not built: run \`npm run demo\` (missing ${webRoot}).`);
  }
  const port = Number(process.env.PORT ?? 3000);
  const app = await NestFactory.create<NestExpressApplication>(DemoModule.create(), {
    logger: ['error', 'warn'],
  });
  app.disable('x-powered-by');
  app.use(
    (_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      );
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      next();
    },
  );
  app.useStaticAssets(webRoot);
  app.enableShutdownHooks();
  // Loopback only: the demo sign-in is not authentication.
  await app.listen(port, '127.0.0.1');
  console.log(`@nest-auth/mfa demo running at http://localhost:${port}`);
  console.log(
    'Demo only: sign-in takes any name, and everything lives in memory. Ctrl+C stops it.',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
