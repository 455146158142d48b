import { Module } from '@nestjs/common';
import { MfaModule } from '@nest-auth/mfa';
import { MfaController } from './mfa.controller';

/** A stand-in for the app's user records: who has MFA enabled. */
export const usersWithMfa = new Set<string>(['alice']);

@Module({
  imports: [
    MfaModule.forRoot({
      // Cheap argon2id parameters keep the smoke test fast; production keeps the defaults.
      hashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
      // A low limit lets the smoke test reach the lockout (429 with Retry-After) in three requests.
      maxAttempts: 2,
      onMfaReset: (userId) => {
        usersWithMfa.delete(userId);
      },
      // A session stand-in: the `x-user-id` header names the signed-in user, and
      // `x-mfa-pending: true` marks a session that has passed the password step only.
      authenticate: (request) => {
        const id = request.headers['x-user-id'];
        if (typeof id !== 'string') return null;
        return { id, mfaPending: request.headers['x-mfa-pending'] === 'true' };
      },
      // The ready-made routes too, beside the app's own controller.
      routes: { path: 'account/mfa' },
    }),
  ],
  controllers: [MfaController],
})
export class AppModule {}
