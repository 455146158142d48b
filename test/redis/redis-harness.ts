import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describe } from '@jest/globals';

const run = promisify(execFile);

const ENABLE_HINT =
  'Redis suites SKIPPED: install redis-server and redis-cli (apt-get install redis-server) to run them. Under CI=true they fail instead.';

/** Highest port a Cluster node may use: its bus listens on port + 10000. */
const MAX_CLUSTER_PORT = 55_535;

/** `redis-server` from `$REDIS_SERVER`, `/usr/bin` or the `PATH`; `null` when missing. */
export function findRedisServer(): string | null {
  const candidates = [
    process.env.REDIS_SERVER,
    '/usr/bin/redis-server',
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server')),
  ];
  return candidates.find((path): path is string => Boolean(path && existsSync(path))) ?? null;
}

function redisCli(): string {
  const server = findRedisServer();
  const cli = server ? join(server, '..', 'redis-cli') : null;
  if (!cli || !existsSync(cli)) throw new Error('redis-cli is required next to redis-server');
  return cli;
}

/**
 * `describe` for suites that need Redis. Without `redis-server` it skips loudly, except under
 * `CI=true`, where the suite runs and its `beforeAll` fails.
 */
export function describeRedis(): (name: string, suite: () => void) => void {
  if (findRedisServer() !== null || process.env.CI === 'true') return describe;
  console.warn(ENABLE_HINT);
  return describe.skip;
}

/** Options of one `redis-server` process. */
export interface RedisServerOptions {
  /** Keep every write in an append-only file, so a restart keeps the data. Default: `false`. */
  appendOnly?: boolean;
  /** Start as a Cluster node (the port then stays at or below 55535). Default: `false`. */
  cluster?: boolean;
}

/**
 * A `redis-server` on a free loopback port with its files in a temp dir, stopped by its pid.
 * `halt()` and `resume()` stop and restart it on the same port and files.
 */
export class LocalRedisServer {
  private child: ChildProcess | null = null;
  private readonly onExit = () => {
    // A crashed test run must not leave a server behind.
    if (this.child?.pid !== undefined && this.child.exitCode === null) {
      process.kill(this.child.pid, 'SIGKILL');
    }
  };

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<LocalRedisServer> {
    const bin = findRedisServer();
    if (!bin) {
      throw new Error('redis-server is required here: install it (apt-get install redis-server).');
    }
    const dir = await mkdtemp(join(tmpdir(), 'mfa-redis-'));
    const port = options.cluster ? await freeClusterPort() : await freePort();
    const server = new LocalRedisServer(bin, dir, port, options);
    process.once('exit', server.onExit);
    try {
      await server.resume();
    } catch (error) {
      await server.destroy();
      throw error;
    }
    return server;
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The server's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  /** Starts the server on its port and files, and waits until it accepts connections. */
  async resume(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      this.options.appendOnly ? 'yes' : 'no',
      '--daemonize',
      'no',
      '--loglevel',
      'notice',
    ];
    if (this.options.cluster) {
      args.push(
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.dir, 'nodes.conf'),
        '--cluster-node-timeout',
        '1000',
      );
    }
    const child = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (/Ready to accept connections/.test(log)) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
      });
      child.once('exit', (code) =>
        reject(new Error(`redis-server on port ${this.port} exited with ${code}:\n${log}`)),
      );
    });
    // Keep the pipes drained so a chatty server never blocks on a full pipe.
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** Stops the server (SIGTERM to its pid) and waits for it to exit; files and port stay. */
  async halt(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
  }

  /** Runs one command with `redis-cli` and returns its raw output. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run(redisCli(), ['-h', '127.0.0.1', '-p', String(this.port), ...args]);
    return stdout;
  }

  /** Stops the server and deletes its files. */
  async destroy(): Promise<void> {
    await this.halt();
    process.removeListener('exit', this.onExit);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A Cluster of masters (three by default) and no replicas, each a `LocalRedisServer`. */
export class LocalRedisCluster {
  private constructor(readonly nodes: LocalRedisServer[]) {}

  static async start(masters = 3): Promise<LocalRedisCluster> {
    const nodes: LocalRedisServer[] = [];
    try {
      // One after the other: each picks a port pair that is free at that moment. Persistent, so
      // a node stopped by a fault test comes back with its data.
      for (let i = 0; i < masters; i++) {
        nodes.push(await LocalRedisServer.start({ cluster: true, appendOnly: true }));
      }
      await run(redisCli(), [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      const cluster = new LocalRedisCluster(nodes);
      await cluster.waitUntilOk();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.destroy()));
      throw error;
    }
  }

  /** `{ host, port }` of every node. */
  get rootNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  /** Waits until every node reports `cluster_state:ok`. */
  async waitUntilOk(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(
        this.nodes.map((node) => node.cli('cluster', 'info').catch(() => '')),
      );
      if (states.every((info) => /cluster_state:ok/.test(info))) return;
      if (Date.now() > until) throw new Error(`the Cluster is not ok:\n${states.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops every node and deletes its files. */
  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.destroy()));
  }
}

function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/** A port at or below 55535 that is free, with its bus port (+10000) free too. */
async function freeClusterPort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = 20_000 + Math.floor(Math.random() * (MAX_CLUSTER_PORT - 20_000));
    try {
      await freePort(port);
      await freePort(port + 10_000);
      return port;
    } catch {
      // Taken: draw again.
    }
  }
  throw new Error('no free port pair for a Cluster node');
}
