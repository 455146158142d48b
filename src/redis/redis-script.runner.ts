import { MfaConfigurationError } from '../mfa.exceptions.js';
import { CLOCK, DEADLINE_ERROR, type RedisScript } from './redis-store.scripts.js';
import type {
  IoRedisClientLike,
  NodeRedisClientLike,
  RedisStoreClient,
} from './redis-store-client.interface.js';

/**
 * @internal Why a Redis call failed without reaching an answer: not connected, not ready, timed
 * out, or refused after its deadline. The service turns it, like any store rejection, into a 503.
 */
export class RedisStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisStoreUnavailableError';
  }
}

/** @internal One reply element of a script: an integer or a string (a Buffer with type mappings). */
export type ScriptReply = readonly (string | number)[];

/** @internal Replies whose clock readings bound the offset. */
const CLOCK_SAMPLES = 16;

type Send = (sha: string, source: string, keys: string[], args: string[]) => Promise<unknown>;

/**
 * @internal Runs the store's scripts on either client: `EVALSHA`, then `EVAL` on `NOSCRIPT` (a
 * restarted server or a new Cluster node has an empty script cache), each call bounded by the
 * timeout and fenced by a deadline on the server's clock.
 */
export class RedisScriptRunner {
  private readonly send: Send;
  private readonly readiness: () => string | null;
  /**
   * Lower bounds of (server clock − this process's clock) in ms, one per recent reply. Their
   * maximum is the tightest bound: one slow reply does not loosen it, and after a clock step the
   * old bounds age out. The deadline sent with each command is the moment this process gives up,
   * on the server's clock, never later: a command that arrives after it changes nothing.
   */
  private readonly offsets: number[] = [];

  constructor(
    client: RedisStoreClient,
    private readonly timeoutMs: number,
  ) {
    if (isIoRedis(client)) {
      this.send = (sha, source, keys, args) =>
        evalWithFallback(
          () => client.evalsha(sha, keys.length, ...keys, ...args),
          () => client.eval(source, keys.length, ...keys, ...args),
        );
      this.readiness = () => ioRedisReadiness(client.status);
    } else if (isNodeRedis(client)) {
      this.send = (sha, source, keys, args) =>
        evalWithFallback(
          () => client.evalSha(sha, { keys, arguments: args }),
          () => client.eval(source, { keys, arguments: args }),
        );
      this.readiness = () => nodeRedisReadiness(client);
    } else {
      throw new MfaConfigurationError(
        'RedisRecoveryCodeStore needs `client`: a connected node-redis client or cluster (`createClient()` or `createCluster()` from `redis` 5 or later) or an ioredis `Redis` or `Cluster` instance.',
      );
    }
  }

  /** Runs one script and returns its reply after the leading server time. */
  async run(script: RedisScript, keys: string[], args: string[]): Promise<ScriptReply> {
    const notReady = this.readiness();
    if (notReady !== null) throw new RedisStoreUnavailableError(`${script.name}(): ${notReady}`);

    const started = Date.now();
    let gaveUp = false;
    const work = (async () => {
      // The first call of a store reads the server's clock (on the node of these keys), so that
      // every command that writes carries a deadline.
      if (this.offsets.length === 0) await this.exec(CLOCK, keys, ['0']);
      if (gaveUp) throw new RedisStoreUnavailableError(`${script.name}(): gave up`);
      // 0 (none) only if the server's clock could not be read from its reply.
      const deadline =
        this.offsets.length === 0
          ? 0
          : Math.max(1, started + this.timeoutMs + Math.max(...this.offsets));
      return this.exec(script, keys, [String(deadline), ...args]);
    })();
    // The reply may still come after the timeout; it is ignored, never unhandled.
    work.catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        reject(
          new RedisStoreUnavailableError(
            `${script.name}(): Redis did not answer within ${this.timeoutMs} ms (commandTimeoutMs)`,
          ),
        );
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      if (error instanceof RedisStoreUnavailableError) throw error;
      throw new RedisStoreUnavailableError(`${script.name}(): ${describe(error)}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** One script, with the clock learnt from its reply (or from its deadline refusal). */
  private async exec(script: RedisScript, keys: string[], args: string[]): Promise<ScriptReply> {
    let reply: unknown;
    try {
      reply = await this.send(script.sha, script.source, keys, args);
    } catch (error) {
      this.learnClockFromDeadlineError(error);
      throw error;
    }
    const values = normalize(reply, script.name);
    this.learnClock(values[0], Date.now());
    return values.slice(1);
  }

  private learnClock(serverNow: unknown, received: number): void {
    const now = Number(serverNow);
    if (!Number.isFinite(now)) return;
    // Read before the reply arrived, so `now - received` never exceeds the true offset. One ms
    // less for the truncation of both clocks.
    this.offsets.push(now - received - 1);
    if (this.offsets.length > CLOCK_SAMPLES) this.offsets.shift();
  }

  private learnClockFromDeadlineError(error: unknown): void {
    const match =
      error instanceof Error && new RegExp(`${DEADLINE_ERROR} (\\d+)`).exec(error.message);
    // After a clock jump the old offset fenced out a command in time: learn the new one.
    if (match) this.learnClock(match[1], Date.now());
  }
}

async function evalWithFallback(
  evalsha: () => Promise<unknown>,
  evalScript: () => Promise<unknown>,
): Promise<unknown> {
  try {
    return await evalsha();
  } catch (error) {
    if (error instanceof Error && /^NOSCRIPT\b/.test(error.message)) return evalScript();
    throw error;
  }
}

function normalize(reply: unknown, operation: string): (string | number)[] {
  if (!Array.isArray(reply) || reply.length === 0) {
    throw new RedisStoreUnavailableError(`${operation}(): unexpected reply from Redis`);
  }
  return reply.map((value: unknown) => {
    if (typeof value === 'number' || typeof value === 'string') return value;
    if (typeof value === 'bigint') return Number(value);
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    throw new RedisStoreUnavailableError(`${operation}(): unexpected reply from Redis`);
  });
}

function isIoRedis(client: unknown): client is IoRedisClientLike {
  const candidate = client as Partial<IoRedisClientLike> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.status === 'string' &&
    typeof candidate.evalsha === 'function' &&
    typeof candidate.eval === 'function'
  );
}

function isNodeRedis(client: unknown): client is NodeRedisClientLike {
  const candidate = client as Partial<NodeRedisClientLike> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.isOpen === 'boolean' &&
    typeof candidate.evalSha === 'function' &&
    typeof candidate.eval === 'function'
  );
}

/**
 * ioredis queues commands while it is not ready and re-sends unanswered ones after a reconnect;
 * the store sends nothing then. `wait` is a `lazyConnect` client that connects on its first
 * command.
 */
function ioRedisReadiness(status: string): string | null {
  if (status === 'ready' || status === 'wait') return null;
  if (status === 'end' || status === 'close') {
    return `the ioredis client is ${status === 'end' ? 'closed' : 'disconnected'} (status "${status}")`;
  }
  return `the ioredis client is not ready (status "${status}")`;
}

/** node-redis queues commands while it reconnects; the store sends nothing then. */
function nodeRedisReadiness(client: NodeRedisClientLike): string | null {
  if (!client.isOpen) {
    return 'the node-redis client is not open: call `await client.connect()` before the app serves requests';
  }
  if (client.isReady === false) return 'the node-redis client is not ready (reconnecting)';
  return null;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
