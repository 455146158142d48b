// Type-checks the published declarations with neither `argon2` nor `@opentelemetry/api` installed
// (skipLibCheck: false): no public type may refer to an optional package.
import { MfaModule, type MfaModuleOptions } from '@nest-auth/mfa';
import { createNestAuthClient } from '@nest-auth/mfa/client';

export const options: MfaModuleOptions = {
  hashing: { maxConcurrency: 2 },
};

export const module = MfaModule.forRoot({ ...options, routes: true });

export const client = createNestAuthClient({ baseUrl: 'https://api.example.com' });
