// A walkthrough of the recovery-code flow over real HTTP, on the in-memory default store.
// Run it with `npm run walkthrough`. It imports the built package by its own name.
import 'reflect-metadata';
import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Auth,
  CurrentUser,
  MfaModule,
  MfaService,
  ResetMfaDto,
  type NestAuthUser,
} from '@nest-auth/mfa';

const mfaEnabled = new Map<string, boolean>([['alice', true]]);

@Controller()
class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Auth()
  @Post('me/mfa/recovery-codes')
  generate(@CurrentUser() user: NestAuthUser) {
    return this.mfa.generateRecoveryCode(user.id);
  }

  @Auth()
  @Get('me/mfa/recovery-codes')
  status(@CurrentUser('id') userId: string) {
    return this.mfa.getRecoveryCodeStatus(userId);
  }

  @Auth()
  @Post('me/mfa/reset')
  @HttpCode(200)
  async reset(@CurrentUser() user: NestAuthUser, @Body() body: ResetMfaDto) {
    await this.mfa.resetMfa(user.id, body.code);
    return { reset: true, mfaEnabled: mfaEnabled.get(user.id) };
  }
}

@Module({
  imports: [
    MfaModule.forRoot({
      onMfaReset: (userId) => void mfaEnabled.set(userId, false),
      // Demo-only sign-in: the user id travels in a header.
      authenticate: (request) => {
        const id = request.headers['x-demo-user'];
        return typeof id === 'string' && id ? { id } : null;
      },
    }),
  ],
  controllers: [MfaController],
})
class WalkthroughModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(WalkthroughModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', 'localhost');
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: { 'x-demo-user': 'alice', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const step = (n: number, text: string) => console.log(`\n${n}. ${text}`);

  console.log(`@nest-auth/mfa walkthrough on ${base} (in-memory store)`);

  step(1, 'Generate: POST /me/mfa/recovery-codes');
  const generated = await call('POST', '/me/mfa/recovery-codes');
  const code = String(generated.body.code);
  console.log(`   ${generated.status} ->`, generated.body);

  step(2, 'Show once: the server kept only an argon2id digest; the status never shows codes');
  console.log('   Save this code somewhere safe:', code);
  const status = await call('GET', '/me/mfa/recovery-codes');
  console.log(`   GET /me/mfa/recovery-codes ${status.status} ->`, status.body);

  step(3, 'Reset MFA: POST /me/mfa/reset with the code, typed in upper case with spaces');
  const typed = code.toUpperCase().replace(/-/g, ' ');
  const reset = await call('POST', '/me/mfa/reset', { code: typed });
  console.log(`   ${reset.status} ->`, reset.body);

  step(4, 'Reuse refused: the same code again');
  const reuse = await call('POST', '/me/mfa/reset', { code });
  console.log(`   ${reuse.status} ->`, reuse.body);

  step(5, 'Reset done: MFA is off for alice, who can sign in with a password and enroll again');
  console.log('   mfaEnabled(alice) =', mfaEnabled.get('alice'));

  await app.close();
  const ok =
    generated.status === 201 &&
    reset.status === 200 &&
    reuse.status === 401 &&
    mfaEnabled.get('alice') === false;
  if (!ok) {
    console.error('\nThe walkthrough did not go as expected.');
    process.exitCode = 1;
  } else {
    console.log('\nDone.');
  }
}

await main();
