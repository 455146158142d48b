import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

/** The WebSocket adapters the suite runs on. */
export const WS_ADAPTERS = ['socket.io', 'ws'] as const;
export type WsAdapterName = (typeof WS_ADAPTERS)[number];

/** One event from the server, as both adapters deliver it. */
export interface WsEvent {
  event: string;
  data: unknown;
}

/** Who connects: the user id and whether the session still owes the second factor. */
export interface WsIdentity {
  userId?: string;
  mfaPending?: boolean;
}

/** A connected client that sends one message and waits for the next event. */
export interface WsTestClient {
  call(event: string, data?: unknown): Promise<WsEvent>;
  close(): void;
}

/**
 * Connects a real client: socket.io-client with `auth` in the handshake, or a ws client with
 * headers on the upgrade request.
 */
export async function connect(
  adapter: WsAdapterName,
  port: number,
  identity: WsIdentity,
): Promise<WsTestClient> {
  return adapter === 'socket.io' ? connectSocketIo(port, identity) : connectWs(port, identity);
}

async function connectSocketIo(port: number, identity: WsIdentity): Promise<WsTestClient> {
  const socket: Socket = io(`http://127.0.0.1:${port}`, {
    auth: { ...identity },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    call: (event, data) =>
      new Promise((resolve) => {
        const listener = (name: string, payload: unknown) => {
          socket.offAny(listener);
          resolve({ event: name, data: payload });
        };
        socket.onAny(listener);
        socket.emit(event, data);
      }),
    close: () => socket.close(),
  };
}

async function connectWs(port: number, identity: WsIdentity): Promise<WsTestClient> {
  const headers: Record<string, string> = {};
  if (identity.userId) headers['x-user-id'] = identity.userId;
  if (identity.mfaPending) headers['x-mfa-pending'] = 'true';
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    call: (event, data) =>
      new Promise((resolve) => {
        socket.once('message', (frame) => resolve(JSON.parse(String(frame)) as WsEvent));
        socket.send(JSON.stringify({ event, data }));
      }),
    close: () => socket.close(),
  };
}
