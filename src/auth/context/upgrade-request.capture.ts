import type { NestAuthRequest } from '../../mfa-module-options.interface.js';

/**
 * A WebSocket adapter, such as `WsAdapter` from `@nestjs/platform-ws`: Nest calls
 * `bindClientConnect` once per gateway server with the handler of its `connection` event.
 * @publicApi
 */
export interface UpgradeRequestAdapter {
  /** Binds Nest's connection handler to a server's `connection` event. */
  bindClientConnect(server: never, callback: (...args: never[]) => unknown): unknown;
}

/** Upgrade requests by client. Weak, so a closed connection's request is collected with it. */
const upgradeRequests = new WeakMap<object, NestAuthRequest>();

/**
 * Makes a WebSocket adapter remember the HTTP upgrade request of each connection, so that `@Auth()`
 * can pass it to `authenticate(request)` and `@CurrentUser()` can read the user from it on every
 * later message. The ws adapter needs it: its clients do not keep their request (socket.io keeps
 * `socket.handshake`, so it needs nothing). Returns the same adapter.
 * @example
 * import { WsAdapter } from '@nestjs/platform-ws';
 * app.useWebSocketAdapter(captureUpgradeRequests(new WsAdapter(app)));
 * @publicApi
 */
export function captureUpgradeRequests<A extends UpgradeRequestAdapter>(adapter: A): A {
  const bind = adapter.bindClientConnect as unknown as (
    this: unknown,
    server: unknown,
    callback: (...args: unknown[]) => unknown,
  ) => unknown;
  const wrapped = function (
    this: unknown,
    server: unknown,
    callback: (...args: unknown[]) => unknown,
  ): unknown {
    return bind.call(this, server, function (this: unknown, ...args: unknown[]) {
      // `connection` is emitted with `(client, request)` by ws; remember before Nest's handler
      // runs, so the request is there for the first message.
      rememberUpgradeRequest(args[0], args[1]);
      return callback.apply(this, args);
    });
  };
  (adapter as { bindClientConnect: unknown }).bindClientConnect = wrapped;
  return adapter;
}

/** @internal The upgrade request captured for a client, if any. */
export function capturedUpgradeRequest(client: unknown): NestAuthRequest | undefined {
  return typeof client === 'object' && client !== null ? upgradeRequests.get(client) : undefined;
}

function rememberUpgradeRequest(client: unknown, request: unknown): void {
  if (typeof client !== 'object' || client === null) return;
  const headers = (request as { headers?: unknown } | null | undefined)?.headers;
  if (typeof headers === 'object' && headers !== null) {
    upgradeRequests.set(client, request as NestAuthRequest);
  }
}
