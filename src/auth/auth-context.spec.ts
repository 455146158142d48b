import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { MfaConfigurationError } from '../mfa.exceptions.js';
import { getAuthRequest } from './auth-context.js';
import { captureUpgradeRequests } from './context/upgrade-request.capture.js';

function contextOf(type: string, args: unknown[]): ExecutionContext {
  const context = new ExecutionContextHost(args);
  context.setType(type);
  return context;
}

const request = () => ({ headers: { authorization: 'Bearer t' } });

describe('getAuthRequest', () => {
  it('returns the HTTP request of a controller', () => {
    const req = request();
    expect(getAuthRequest(contextOf('http', [req, {}, () => undefined]))).toBe(req);
  });

  it.each([
    ['Apollo and Mercurius (`context.req`)', (req: object) => ({ req })],
    [
      'Mercurius without `req` (`context.reply.request`)',
      (req: object) => ({ reply: { request: req } }),
    ],
    ['a custom context that keeps it as `request`', (req: object) => ({ request: req })],
  ])('returns the HTTP request of a GraphQL resolver: %s', (_name, contextFor) => {
    const req = request();
    const args = [undefined, { code: 'x' }, contextFor(req), {}];
    expect(getAuthRequest(contextOf('graphql', args))).toBe(req);
  });

  it('names the fix when the GraphQL context holds no request', () => {
    const context = contextOf('graphql', [undefined, {}, { user: 'x' }, {}]);
    expect(() => getAuthRequest(context)).toThrow(MfaConfigurationError);
    expect(() => getAuthRequest(context)).toThrow('context: ({ req }) => ({ req })');
  });

  it("returns socket.io's handshake, the same object on every message of a connection", () => {
    const socket = { handshake: { headers: {}, auth: { token: 't' } }, emit: () => true };
    const first = getAuthRequest(contextOf('ws', [socket, { a: 1 }, 'redeem']));
    const second = getAuthRequest(contextOf('ws', [socket, { b: 2 }, 'me']));
    expect(first).toBe(socket.handshake);
    expect(second).toBe(first);
  });

  it("returns the ws adapter's upgrade request once captureUpgradeRequests() saw the connection", () => {
    const server = new EventEmitter();
    const seen: unknown[][] = [];
    // The adapter contract: Nest hands each server and its connection handler to bindClientConnect.
    const adapter = captureUpgradeRequests({
      bindClientConnect(target: never, callback: (...args: never[]) => unknown) {
        (target as EventEmitter).on('connection', callback as (...args: unknown[]) => void);
      },
    });
    adapter.bindClientConnect(server as never, (...args: unknown[]) => seen.push(args));
    const client = { readyState: 1, send: () => undefined };
    const upgrade = request();
    server.emit('connection', client, upgrade);
    expect(seen).toEqual([[client, upgrade]]);
    expect(getAuthRequest(contextOf('ws', [client, {}, 'me']))).toBe(upgrade);
  });

  it('names captureUpgradeRequests() for a ws client whose request was not captured', () => {
    const context = contextOf('ws', [{ readyState: 1, send: () => undefined }, {}, 'me']);
    expect(() => getAuthRequest(context)).toThrow(MfaConfigurationError);
    expect(() => getAuthRequest(context)).toThrow('captureUpgradeRequests(new WsAdapter(app))');
  });

  it('refuses other contexts, such as microservices, with a configuration error', () => {
    expect(() => getAuthRequest(contextOf('rpc', [{}, {}]))).toThrow(MfaConfigurationError);
  });
});
