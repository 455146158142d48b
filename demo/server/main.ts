import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DemoModule } from './demo.module.js';

// Compiled to demo/dist/demo/server/main.js; Vite builds the page into demo/dist/web.
const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));
// Loopback only: the demo's accounts and sessions are not for the open network.
const HOST = '127.0.0.1';

/** A problem the person running the demo can fix; printed as one line, without a stack. */
class DemoStartupError extends Error {}

/** Whether something already listens on `port`, checked before Nest starts (and logs). */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(true) : reject(error),
    );
    probe.listen(port, HOST, () => probe.close(() => resolve(false)));
  });
}

function portFromEnv(): number {
  const text = process.env.PORT ?? '3000';
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) {
    throw new DemoStartupError(`PORT=${text} is not a port: set PORT to a number from 1 to 65535`);
  }
  return port;
}

function inUse(port: number): DemoStartupError {
  return new DemoStartupError(
    `port ${port} is in use: set PORT=… to a free one, for example PORT=${port === 65_535 ? 3001 : port + 1} npm run demo`,
  );
}

async function main(): Promise<void> {
  if (!existsSync(`${webRoot}index.html`)) {
    throw new DemoStartupError(`the demo page is not built: run npm run demo (missing ${webRoot})`);
  }
  const port = portFromEnv();
  if (await portInUse(port)) throw inUse(port);
  const window = Number(process.env.DEMO_ATTEMPT_WINDOW_MS ?? '') || undefined;
  const app = await NestFactory.create<NestExpressApplication>(
    DemoModule.create({ attemptWindowMs: window }),
    { logger: ['error', 'warn'] },
  );
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
  try {
    await app.listen(port, HOST);
  } catch (error) {
    await app.close();
    // Someone took the port between the check and now.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw inUse(port);
    throw error;
  }
  console.log(`@nest-auth/mfa demo running at http://localhost:${port}`);
  console.log('Demo only: accounts and codes live in memory and vanish on exit. Ctrl+C stops it.');
}

main().catch((error: unknown) => {
  // A stack trace helps nobody fix a taken port; keep it for real faults.
  console.error(error instanceof DemoStartupError ? error.message : error);
  process.exit(1);
});
