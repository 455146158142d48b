import type { NestAuthRequest } from '../../mfa-module-options.interface.js';
import { MfaConfigurationError } from '../../mfa.exceptions.js';
import type { ContextErrorBody } from './context-error.body.js';

/**
 * @internal The HTTP request behind a GraphQL operation, read from the resolver's context (the
 * third resolver argument). `@nestjs/apollo` and `@nestjs/mercurius` both put it on `context.req`
 * (the Express request, or the Fastify request), also when the app passes its own `context`;
 * Mercurius also has it on `context.reply.request`.
 * @throws MfaConfigurationError when the context holds no request, naming the fix.
 */
export function graphqlRequest(graphqlContext: unknown): NestAuthRequest {
  const ctx = asRecord(graphqlContext);
  const candidates = [ctx?.req, asRecord(ctx?.reply)?.request, ctx?.request];
  for (const candidate of candidates) {
    if (isRequest(candidate)) return candidate;
  }
  throw new MfaConfigurationError(
    '@Auth() and @CurrentUser() on a GraphQL resolver read the HTTP request from the GraphQL context, and found none: if you pass your own `context` to GraphQLModule.forRoot(), return the request in it as `req` (for example `context: ({ req }) => ({ req })`). Subscriptions have no HTTP request: authenticate them when the connection opens (`onConnect`) instead.',
  );
}

/**
 * @internal The error a resolver returns for a library exception. A plain `Error` with GraphQL
 * `extensions` rather than a `GraphQLError`: graphql-js copies `extensions` onto the error it
 * locates, Apollo and Mercurius print them as they are, and the library needs no `graphql` import.
 * It carries no `originalError`, variables or `statusCode` (Mercurius would turn that into the
 * HTTP status; the response stays 200 on both drivers, as Apollo's Nest driver answers).
 */
export class MfaGraphqlError extends Error {
  /** `code` is the library's `error` string; `retryAfter` (seconds) only on a lockout. */
  readonly extensions: { code: string; retryAfter?: number };

  /**
   * `stack`: the library exception's, so that Apollo's development stack traces point to where it
   * was thrown rather than to the filter. It holds the message and frames, never request data.
   */
  constructor(body: ContextErrorBody, stack?: string) {
    super(body.message);
    this.name = 'MfaGraphqlError';
    if (stack !== undefined) this.stack = stack;
    this.extensions =
      body.retryAfter === undefined
        ? { code: body.error }
        : { code: body.error, retryAfter: body.retryAfter };
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

function isRequest(value: unknown): value is NestAuthRequest {
  const headers = asRecord(value)?.headers;
  return typeof headers === 'object' && headers !== null;
}
