// Type-checks the published declarations with neither `argon2` nor `@opentelemetry/api` installed
// (skipLibCheck: false): no public type may refer to an optional package.
import {
  MfaModule,
  MfaOverloadedException,
  TooManyGenerationsException,
  type MfaModuleOptions,
} from '@nest-auth/mfa';
import { createNestAuthClient, type NestAuthErrorCode } from '@nest-auth/mfa/client';

export const options: MfaModuleOptions = {
  hashing: { maxConcurrency: 2, maxQueue: 100 },
  generationLimit: { max: 5, windowMs: 60_000 },
  telemetry: { includeUserId: false },
};

export const module = MfaModule.forRoot({
  ...options,
  routes: { trustedOrigins: ['https://app.example.com'], generationLimit: false },
});

export const client = createNestAuthClient({ baseUrl: 'https://api.example.com' });
export const codes: NestAuthErrorCode[] = [
  'overloaded',
  'too_many_generations',
  'unexpected_redirect',
];
export const errors = [new MfaOverloadedException(1000), new TooManyGenerationsException(1000)];
