// The library as an app uses it: MfaModule.forRoot() in a Nest application context, built from
// dist/ through the package's own export map. Plain ESM cannot write decorators, so the root
// module is decorated by hand.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InMemoryRecoveryCodeStore, MfaModule, MfaService } from '@nest-auth/mfa';
import { randomBytes } from 'node:crypto';

/** The in-memory store, recording every digest it is handed so the naive baseline can scan them. */
export class RecordingStore extends InMemoryRecoveryCodeStore {
  digests = new Map();

  async replaceAll(userId, codes) {
    this.digests.set(
      userId,
      codes.map((c) => c.digest),
    );
    return super.replaceAll(userId, codes);
  }
}

/** Boots `MfaModule.forRoot(options)` and returns its `MfaService`. */
export async function createMfa(options) {
  class BenchRootModule {}
  Reflect.decorate([Module({ imports: [MfaModule.forRoot(options)] })], BenchRootModule);
  const app = await NestFactory.createApplicationContext(BenchRootModule, { logger: false });
  return { mfa: app.get(MfaService), close: () => app.close() };
}

/** A well-formed `hex` code (`xxxxxxxx-xxxx-xxxx-xxxx`), optionally with a given lookup part. */
export function randomHexCode(lookup = randomBytes(4).toString('hex')) {
  const s = lookup + randomBytes(6).toString('hex');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}`;
}

/** The canonical form argon2 sees: no dashes. */
export function canonical(code) {
  return code.replace(/-/g, '');
}
