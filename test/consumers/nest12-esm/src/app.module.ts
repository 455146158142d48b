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
      // A session stand-in: the `x-user-id` header names the signed-in user.
      authenticate: (request) => {
        const id = request.headers['x-user-id'];
        return typeof id === 'string' ? { id } : null;
      },
    }),
  ],
  controllers: [MfaController],
})
export class AppModule {}
