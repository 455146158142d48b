import { Module } from '@nestjs/common';
import { MfaModule } from '@nest-auth/mfa';
import { MfaController } from './mfa.controller.js';
import { usersWithMfa } from './users.js';

@Module({
  imports: [
    MfaModule.forRoot({
      // Cheap argon2id parameters keep the test fast; production keeps the defaults.
      hashing: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
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
