import type { NestAuthRequest } from '../../mfa-module-options.interface.js';
import { MfaConfigurationError } from '../../mfa.exceptions.js';
import type { ContextErrorBody } from './context-error.body.js';
import { capturedUpgradeRequest } from './upgrade-request.capture.js';

/**
 * @internal The request `@Auth()` authenticates for a WebSocket message, and where `@CurrentUser()`
 * finds the user on later messages of the same connection:
 * - socket.io: `socket.handshake` (`headers`, `auth`, `query`, …), one object per connection;
 * - ws: the HTTP upgrade request (an `IncomingMessage`), remembered by `captureUpgradeRequests()`.
 * @throws MfaConfigurationError for a ws client whose upgrade request was not captured.
 */
export function wsRequest(client: unknown): NestAuthRequest {
  const handshake = (client as { handshake?: unknown } | null | undefined)?.handshake;
  if (hasHeaders(handshake)) return handshake;
  const upgrade = capturedUpgradeRequest(client);
  if (upgrade) return upgrade;
  throw new MfaConfigurationError(
    '@Auth() and @CurrentUser() on a WebSocket gateway need the request that opened the connection, and this client has none: with the ws adapter, wrap it as `app.useWebSocketAdapter(captureUpgradeRequests(new WsAdapter(app)))` (captureUpgradeRequests is exported by @nest-auth/mfa).',
  );
}

/** The `exception` event as Nest's `WsException` sends it: `status: 'error'` and the body. */
export type WsExceptionPayload = { status: 'error' } & ContextErrorBody;

/**
 * @internal Sends an `exception` event to one client: a socket.io `emit`, or on a native WebSocket
 * (ws) the frame `{ event: 'exception', data }` that Nest's ws adapter uses for every message. The
 * payload is the library's own, so the client's message data is never echoed, unlike the `cause`
 * of Nest's default `BaseWsExceptionFilter`.
 */
export function sendWsException(client: unknown, body: ContextErrorBody): void {
  const payload: WsExceptionPayload = { status: 'error', ...body };
  const target = client as {
    readyState?: unknown;
    send?: (data: string) => unknown;
    emit?: (event: string, data: unknown) => unknown;
  } | null;
  if (!target) return;
  // A ws WebSocket is an EventEmitter too, but its `emit` stays local: tell it apart by its
  // numeric `readyState`, as Nest's filter does. Only an open socket can take a frame.
  if (typeof target.readyState === 'number' && typeof target.send === 'function') {
    if (target.readyState === WS_OPEN)
      target.send(JSON.stringify({ event: 'exception', data: payload }));
    return;
  }
  if (typeof target.emit === 'function') target.emit('exception', payload);
}

/** `WebSocket.OPEN` */
const WS_OPEN = 1;

function hasHeaders(value: unknown): value is NestAuthRequest {
  const headers = (value as { headers?: unknown } | null | undefined)?.headers;
  return typeof headers === 'object' && headers !== null;
}
