import { DEFAULT_USER_PROPERTY } from '../mfa.constants.js';

// `@CurrentUser()` is a parameter decorator and has no injector, so it cannot read the
// `userProperty` option. The guard records, per request, the property it set; a WeakMap keeps the
// request object itself untouched and lets it be collected.
const userPropertyOf = new WeakMap<object, string>();

/** @internal A request-like object: an HTTP request, or what a GraphQL or WebSocket context gives. */
type RequestLike = Record<string, unknown>;

/**
 * @internal The user a guard or middleware placed on `request[property]`. On Fastify, Nest
 * middleware receives the raw Node request (`request.raw`), so a user set there is read too.
 */
export function readUpstreamUser(request: RequestLike, property: string): unknown {
  const user = request[property];
  if (user !== undefined && user !== null) return user;
  const raw = request.raw;
  return typeof raw === 'object' && raw !== null ? (raw as RequestLike)[property] : undefined;
}

/** @internal Sets the authenticated user on the request and records the property for `@CurrentUser()`. */
export function writeRequestUser(request: RequestLike, property: string, user: unknown): void {
  request[property] = user;
  userPropertyOf.set(request, property);
}

/**
 * @internal The user `@CurrentUser()` returns: the property `@Auth()` set on this request, else
 * `request.user` (on a route without `@Auth()`).
 */
export function readRequestUser(request: unknown): unknown {
  if (typeof request !== 'object' || request === null) return undefined;
  const property = userPropertyOf.get(request) ?? DEFAULT_USER_PROPERTY;
  return (request as RequestLike)[property];
}
