/**
 * The wire types of the ready-made routes, defined here rather than imported from the server so
 * that this entry point stays free of Nest and Node code: it ships to browsers.
 */

/**
 * `credentials` of every request: send cookies cross-origin (`'include'`), same-origin only, or
 * never.
 * @publicApi
 */
export type NestAuthCredentials = 'include' | 'same-origin' | 'omit';

/**
 * Extra request headers, or a function that returns them per request (for a fresh bearer token).
 * @publicApi
 */
export type NestAuthHeaders =
  | Readonly<Record<string, string>>
  | (() => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);

/**
 * The part of a `fetch` request the client sets. The global `fetch` of browsers and Node 20
 * accepts it.
 * @publicApi
 */
export interface NestAuthFetchInit {
  /** HTTP method. */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Request headers. */
  headers: Record<string, string>;
  /** JSON body, if any. */
  body?: string;
  /** Whether to send cookies. */
  credentials?: NestAuthCredentials;
  /**
   * The client always sends `'manual'`: a redirect is never followed, so a typed code never goes
   * to another URL. A custom `fetch` must honour it.
   */
  redirect?: 'manual' | 'error' | 'follow';
}

/**
 * The part of a `fetch` response the client reads.
 * @publicApi
 */
export interface NestAuthFetchResponse {
  /** HTTP status. */
  readonly status: number;
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** Response headers; the client reads `Retry-After`. */
  readonly headers: {
    /** The header's value, or `null` when absent. */
    get(name: string): string | null;
  };
  /** The body as text. */
  text(): Promise<string>;
  /** `'opaqueredirect'` for a redirect a browser did not follow (`redirect: 'manual'`). */
  readonly type?: string;
  /** Whether the response came after following a redirect. */
  readonly redirected?: boolean;
}

/**
 * A `fetch` implementation, such as the global one.
 * @publicApi
 */
export type NestAuthFetch = (
  url: string,
  init: NestAuthFetchInit,
) => Promise<NestAuthFetchResponse>;

/**
 * Options of `createNestAuthClient()`.
 * @publicApi
 */
export interface NestAuthClientOptions {
  /**
   * Origin (and optional prefix) of the API, for example `'https://api.example.com'`; `''` for
   * the page's own origin in a browser.
   */
  baseUrl: string;
  /** Path of the ready-made routes, as in `MfaModule.forRoot({ routes: { path } })`. Default: `'me/mfa'`. */
  path?: string;
  /** The `fetch` to use. Default: the global `fetch`. */
  fetch?: NestAuthFetch;
  /** Headers sent with every request, for example an `Authorization` header. Default: none. */
  headers?: NestAuthHeaders;
  /** Whether cookies travel with the requests. Default: unset (the `fetch` default, `'same-origin'`). */
  credentials?: NestAuthCredentials;
}

/**
 * The recovery code status, as `GET {path}/recovery-codes` reports it. The client parses the ISO
 * date strings of the JSON into `Date`s, so the type is the server's `RecoveryCodeStatus`.
 * @publicApi
 */
export interface RecoveryCodeStatus {
  /** Unused codes. */
  remaining: number;
  /** When the newest unused code was created; `null` when none remain. */
  generatedAt: Date | null;
  /** When a code of the current set was last consumed; `null` if never. */
  lastUsedAt: Date | null;
}

/**
 * The recovery code methods of the signed-in user. Each is a plain function, so they can be
 * destructured: `const { generateRecoveryCode } = client`. Failures reject with a `NestAuthError`.
 * @publicApi
 */
export interface NestAuthClient {
  /** `POST {path}/recovery-codes`: one new code, shown this once. The newest ten stay valid. */
  generateRecoveryCode(): Promise<{
    /** The new code. */
    code: string;
  }>;
  /** `PUT {path}/recovery-codes`: a fresh set of `count` codes (default: the server's `maxActiveCodes`) that replaces every earlier code. */
  generateRecoveryCodes(count?: number): Promise<{
    /** The new codes. */
    codes: string[];
  }>;
  /** `POST {path}/reset`: consumes the code and disables MFA through the server's `onMfaReset`. */
  resetMfa(code: string): Promise<{
    /** Always `true`: MFA was reset. */
    reset: true;
    /**
     * With the server's `replaceOnUse`: the new code that replaces the used one, to show once like
     * a new code (`useRecoveryCodeReveal().showReplacement()`); `null` when the server could not
     * issue it. Absent otherwise.
     */
    replacement?: string | null;
  }>;
  /** `POST {path}/recovery-codes/redeem`: consumes the code, for example to sign in instead of TOTP. */
  redeemRecoveryCode(code: string): Promise<{
    /** Unused codes the user has left. */
    remaining: number;
    /**
     * With the server's `replaceOnUse`: the new code that replaces the used one, to show once like
     * a new code; `null` when the server could not issue it. Absent otherwise.
     */
    replacement?: string | null;
  }>;
  /** `GET {path}/recovery-codes`: how many codes remain and when; never codes. */
  getRecoveryCodeStatus(): Promise<RecoveryCodeStatus>;
  /** `DELETE {path}/recovery-codes`: deletes every code of the user. */
  revokeRecoveryCodes(): Promise<void>;
}
