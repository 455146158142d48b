/**
 * The authenticated user as `@CurrentUser()` returns it. Only `id` is required.
 * @publicApi
 */
export interface NestAuthUser {
  id: string;
  [key: string]: unknown;
}
