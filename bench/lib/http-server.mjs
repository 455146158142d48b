// The app under HTTP load, run as a child process so its RSS is its own. Started by
// bench/suites/http.mjs with a JSON config as argv[2]; talks over the IPC channel:
//   → { type: 'ready', port }            once listening on 127.0.0.1
//   ← { type: 'sample-start' }           start sampling process.memoryUsage().rss every 50 ms; echoed
//   ← { type: 'sample-stop' }            → { type: 'samples', ... }
//   ← { type: 'inflight' }               → { type: 'inflight', count }
//   ← { type: 'rss' }                    → { type: 'rss', rss }
//   ← { type: 'hashing' }                → { type: 'hashing', maxQueue, measuredHashMs, maxConcurrency }
// With config.routes, the ready-made routes are mounted too, under ready/mfa, with their defaults
// (JSON only, same origin only, routes.generationLimit 30 per 10 minutes).
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { stat } from 'node:fs/promises';
import { Auth, CurrentUser, MfaModule, MfaService } from '@nest-auth/mfa';

const config = JSON.parse(process.argv[2] ?? '{}');
// Internal, for the queue numbers the report prints: the same module instance the package loads.
const { RecoveryCodeHasher } = await import(
  new URL('../../dist/codes/recovery-code.hasher.js', import.meta.url).href
);

class BenchController {
  constructor(mfa) {
    this.mfa = mfa;
  }

  status(user) {
    return this.mfa.getRecoveryCodeStatus(user.id);
  }

  redeem(user, body) {
    return this.mfa.redeemRecoveryCode(user.id, body?.code);
  }

  generate(user) {
    return this.mfa.generateRecoveryCode(user.id);
  }
}

// What the TypeScript compiler would emit for the decorators of a controller like the README's.
Reflect.defineMetadata('design:paramtypes', [MfaService], BenchController);
Reflect.decorate([Controller('me/mfa'), Auth()], BenchController);
function route(name, decorators, params) {
  const proto = BenchController.prototype;
  Reflect.defineMetadata(
    'design:paramtypes',
    params.map(() => Object),
    proto,
    name,
  );
  params.forEach((decorator, index) => decorator(proto, name, index));
  Reflect.decorate(decorators, proto, name, Object.getOwnPropertyDescriptor(proto, name));
}
route('status', [Get('recovery-codes/status')], [CurrentUser()]);
route('redeem', [Post('recovery-codes/redeem'), HttpCode(200)], [CurrentUser(), Body()]);
route('generate', [Post('recovery-codes')], [CurrentUser()]);

class BenchHttpModule {}
Reflect.decorate(
  [
    Module({
      imports: [
        MfaModule.forRoot({
          // hashLimit sets the library's own limit; without it the default applies.
          hashing: config.hashLimit
            ? { ...config.hashing, maxConcurrency: config.hashLimit }
            : config.hashing,
          // Lockouts off: the flood and the failed-redeem run must reach the hash every time.
          maxAttempts: Number.MAX_SAFE_INTEGER,
          maxConsecutiveFailures: Number.MAX_SAFE_INTEGER,
          ...(config.routes ? { routes: { path: 'ready/mfa' }, maxActiveCodes: 100 } : {}),
          authenticate: (request) => ({ id: String(request.headers['x-user'] ?? 'bench-user') }),
        }),
      ],
      controllers: [BenchController],
    }),
  ],
  BenchHttpModule,
);

const app = await NestFactory.create(BenchHttpModule, { logger: false });
await app.listen(0, '127.0.0.1');
const server = app.getHttpServer();
// Longer than any pause of the bench client between requests: Node's default of 5 s lets the
// server close an idle keep-alive connection just as fetch reuses it ('other side closed').
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

let inflight = 0;
server.on('request', (_request, response) => {
  inflight++;
  response.on('close', () => inflight--);
});

let sampler = null;
let prober = null;
let peak = 0;
let count = 0;
// While sampling, an fs.stat every 100 ms: it needs a libuv pool thread, as dns.lookup, zlib and
// crypto.pbkdf2 do, so its latency shows how long other work queues behind argon2.
let probes = [];
function probe() {
  const entry = { started: performance.now(), ms: null };
  probes.push(entry);
  void stat(process.execPath).then(() => {
    entry.ms = performance.now() - entry.started;
  });
}
process.on('message', (message) => {
  if (message.type === 'sample-start') {
    peak = process.memoryUsage().rss;
    count = 1;
    probes = [];
    sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      count++;
    }, 50);
    prober = setInterval(probe, 100);
    process.send({ type: 'sample-start' });
  } else if (message.type === 'sample-stop') {
    clearInterval(sampler);
    clearInterval(prober);
    peak = Math.max(peak, process.memoryUsage().rss);
    const now = performance.now();
    // A probe still waiting has waited at least this long.
    const waits = probes.map((p) => p.ms ?? now - p.started).sort((a, b) => a - b);
    process.send({
      type: 'samples',
      peakRss: peak,
      samples: count,
      // The kernel's own high-water mark (KiB), which no sampling interval can miss.
      maxRss: process.resourceUsage().maxRSS * 1024,
      rss: process.memoryUsage().rss,
      threadpoolProbe: {
        n: waits.length,
        medianMs: waits[Math.floor(waits.length / 2)] ?? null,
        maxMs: waits.at(-1) ?? null,
      },
    });
  } else if (message.type === 'inflight') {
    process.send({ type: 'inflight', count: inflight });
  } else if (message.type === 'rss') {
    process.send({ type: 'rss', rss: process.memoryUsage().rss });
  } else if (message.type === 'hashing') {
    const hasher = app.get(RecoveryCodeHasher, { strict: false });
    process.send({
      type: 'hashing',
      maxQueue: hasher.maxQueue,
      measuredHashMs: hasher.measuredHashMs,
      maxConcurrency: hasher.maxConcurrency,
    });
  }
});
// Never outlive the bench.
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', port: server.address().port });
