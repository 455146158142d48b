import type {
  NestAuthClient,
  NestAuthClientOptions,
  NestAuthFetch,
  NestAuthFetchInit,
  NestAuthFetchResponse,
  RecoveryCodeStatus,
} from './nest-auth-client.interface.js';
import { NestAuthError, type NestAuthErrorCode } from './nest-auth.error.js';

/** Default `path`, the same as the server's ready-made routes. */
const DEFAULT_PATH = 'me/mfa';

/** A machine code is snake_case; Nest's `'Bad Request'` style reason phrases are not. */
const MACHINE_CODE = /^[a-z][a-z0-9_]*$/;

/**
 * A typed client of the ready-made routes (`MfaModule.forRoot({ routes: true })`) for browsers and
 * Node 20+. It has no dependencies and uses the global `fetch` unless given one. It never follows a
 * redirect (`redirect: 'manual'`): a 3xx rejects with `unexpected_redirect`, so a typed code is
 * never re-sent to the URL a redirect names.
 * @example
 * const client = createNestAuthClient({ baseUrl: 'https://api.example.com', credentials: 'include' });
 * const { code } = await client.generateRecoveryCode();
 * @publicApi
 */
export function createNestAuthClient(options: NestAuthClientOptions): NestAuthClient {
  const fetchImpl: NestAuthFetch | undefined =
    options.fetch ?? (typeof globalThis.fetch === 'function' ? globalThis.fetch : undefined);
  if (!fetchImpl) {
    throw new TypeError(
      'No fetch available: pass `fetch` to createNestAuthClient(), or run on Node 20+ or in a browser.',
    );
  }
  const doFetch = fetchImpl;
  const root = joinUrl(options.baseUrl, options.path ?? DEFAULT_PATH);

  async function request<T>(
    method: NestAuthFetchInit['method'],
    route: string,
    body: object | undefined,
    isExpected: (value: unknown) => value is T,
  ): Promise<T> {
    const extra =
      typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    // Never follow a redirect: the body may hold a typed code, and a 307 or 308 would re-send it
    // to whatever URL the redirect names.
    const init: NestAuthFetchInit = { method, headers, redirect: 'manual' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (options.credentials) init.credentials = options.credentials;

    let response: NestAuthFetchResponse;
    try {
      response = await doFetch(`${root}/${route}`, init);
    } catch (cause) {
      throw new NestAuthError({
        status: 0,
        error: 'network_error',
        message: 'The server could not be reached.',
        cause,
      });
    }
    if (isRedirect(response)) {
      throw new NestAuthError({
        status: response.status,
        error: 'unexpected_redirect',
        message: `${method} ${route} answered with a redirect, which the client does not follow: check \`baseUrl\` and \`path\` (for example http:// against an https:// server).`,
      });
    }
    const text = await response.text().catch(() => '');
    const json = parseJson(text);
    if (!response.ok) throw toError(response, json);
    if (!isExpected(json)) {
      throw new NestAuthError({
        status: response.status,
        error: 'invalid_response',
        message: `${method} ${route} answered with an unexpected body: check \`baseUrl\` and \`path\`.`,
      });
    }
    return json;
  }

  return {
    generateRecoveryCode: () => request('POST', 'recovery-codes', {}, isCodeResult),
    generateRecoveryCodes: (count?: number) =>
      request('PUT', 'recovery-codes', count === undefined ? {} : { count }, isCodesResult),
    resetMfa: (code: string) => request('POST', 'reset', { code }, isResetResult),
    redeemRecoveryCode: (code: string) =>
      request('POST', 'recovery-codes/redeem', { code }, isRedeemResult),
    getRecoveryCodeStatus: async () =>
      toStatus(await request('GET', 'recovery-codes', undefined, isWireStatus)),
    revokeRecoveryCodes: async () => {
      await request('DELETE', 'recovery-codes', undefined, isAnything);
    },
  };
}

/** `GET {path}/recovery-codes` as JSON: the dates are ISO strings. */
interface WireRecoveryCodeStatus {
  remaining: number;
  generatedAt: string | null;
  lastUsedAt: string | null;
}

/**
 * A 3xx, a browser's opaque redirect (`redirect: 'manual'` gives status 0 and no headers), or a
 * response a `fetch` that ignores `redirect` reached by following one.
 */
function isRedirect(response: NestAuthFetchResponse): boolean {
  return (
    (response.status >= 300 && response.status < 400) ||
    response.type === 'opaqueredirect' ||
    response.redirected === true
  );
}

function joinUrl(baseUrl: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed ? `${base}/${trimmed}` : base;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** DELETE answers 204 without a body; whatever else it sends is ignored. */
function isAnything(_value: unknown): _value is unknown {
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCodeResult(value: unknown): value is { code: string } {
  return isObject(value) && typeof value.code === 'string';
}

function isCodesResult(value: unknown): value is { codes: string[] } {
  return (
    isObject(value) &&
    Array.isArray(value.codes) &&
    value.codes.every((code) => typeof code === 'string')
  );
}

function isResetResult(value: unknown): value is { reset: true; replacement?: string | null } {
  return isObject(value) && value.reset === true && isReplacement(value.replacement);
}

function isRemainingResult(value: unknown): value is { remaining: number } {
  return isObject(value) && typeof value.remaining === 'number';
}

function isRedeemResult(
  value: unknown,
): value is { remaining: number; replacement?: string | null } {
  return isRemainingResult(value) && isReplacement((value as Record<string, unknown>).replacement);
}

/** `replaceOnUse`'s new code, `null` when it could not be issued, or absent. */
function isReplacement(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

function isDateOrNull(value: unknown): value is string | null {
  return value === null || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
}

function isWireStatus(value: unknown): value is WireRecoveryCodeStatus {
  return (
    isRemainingResult(value) &&
    isDateOrNull((value as Record<string, unknown>).generatedAt) &&
    isDateOrNull((value as Record<string, unknown>).lastUsedAt)
  );
}

function toStatus(wire: WireRecoveryCodeStatus): RecoveryCodeStatus {
  return {
    remaining: wire.remaining,
    generatedAt: wire.generatedAt === null ? null : new Date(wire.generatedAt),
    lastUsedAt: wire.lastUsedAt === null ? null : new Date(wire.lastUsedAt),
  };
}

function toError(response: NestAuthFetchResponse, body: unknown): NestAuthError {
  const fields = isObject(body) ? body : {};
  const messages = Array.isArray(fields.message)
    ? fields.message.filter((item): item is string => typeof item === 'string')
    : typeof fields.message === 'string'
      ? [fields.message]
      : [];
  return new NestAuthError({
    status: response.status,
    error:
      typeof fields.error === 'string' && MACHINE_CODE.test(fields.error)
        ? fields.error
        : fallbackCode(response.status),
    message: messages.join('; ') || `Request failed with status ${response.status}.`,
    messages,
    retryAfter:
      parseRetryAfter(response.headers.get('retry-after')) ??
      (typeof fields.retryAfter === 'number' && fields.retryAfter >= 0
        ? Math.ceil(fields.retryAfter)
        : null),
  });
}

function fallbackCode(status: number): NestAuthErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 429) return 'too_many_attempts';
  return 'http_error';
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
function parseRetryAfter(header: string | null): number | null {
  if (header === null || header.trim() === '') return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
