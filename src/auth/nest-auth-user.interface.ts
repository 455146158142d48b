/**
 * The authenticated user as `@CurrentUser()` returns it. Only `id` is required.
 * @publicApi
 */
export interface NestAuthUser {
  /** The user's id, as `MfaService` methods take it. */
  id: string;
  [key: string]: unknown;
}
