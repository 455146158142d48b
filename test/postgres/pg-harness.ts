import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe } from '@jest/globals';
import { Client } from 'pg';

const run = promisify(execFile);

const ENABLE_HINT =
  'PostgreSQL suites SKIPPED: install PostgreSQL (apt-get install postgresql, for initdb and pg_ctl) or set DATABASE_URL=postgres://user:pass@host/db to run them. Under CI=true they fail instead.';

/** The newest `bin` directory holding `initdb`: `$PG_BIN`, then `/usr/lib/postgresql/<v>/bin`. */
export function findPostgresBin(): string | null {
  const candidates = process.env.PG_BIN ? [process.env.PG_BIN] : [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb'))) ?? null;
}

/**
 * `describe` for suites that need PostgreSQL. Without any PostgreSQL it skips loudly, except under
 * `CI=true`, where the suite runs and its `beforeAll` fails.
 */
export function describePostgres(
  options: { ownCluster?: boolean } = {},
): (name: string, suite: () => void) => void {
  const available =
    findPostgresBin() !== null || (!options.ownCluster && Boolean(process.env.DATABASE_URL));
  if (available || process.env.CI === 'true') return describe;
  console.warn(ENABLE_HINT);
  return describe.skip;
}

/** A database created for one suite, dropped by `close()`. */
export interface TestDatabase {
  /** Connection string of the suite's own database. */
  url: string;
  /** The throwaway cluster, when the suite started one (not with `DATABASE_URL`). */
  cluster: LocalPostgresCluster | null;
  close(): Promise<void>;
}

/**
 * Creates a database for a suite: on `DATABASE_URL` when set, otherwise on a throwaway cluster.
 * `ownCluster` always starts a cluster (the fault tests stop it).
 */
export async function createTestDatabase(
  suite: string,
  options: { ownCluster?: boolean } = {},
): Promise<TestDatabase> {
  const external = options.ownCluster ? undefined : process.env.DATABASE_URL;
  const cluster = external ? null : await LocalPostgresCluster.start();
  const adminUrl = external ?? cluster?.url('postgres');
  if (!adminUrl) throw new Error('unreachable');
  const name = `mfa_${suite.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Date.now()}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    cluster,
    close: async () => {
      if (cluster) {
        await cluster.destroy();
      } else {
        await withClient(adminUrl, (client) =>
          client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
        );
      }
    },
  };
}

/**
 * A PostgreSQL cluster in a temp dir on a free loopback port, made with `initdb` and run with
 * `pg_ctl`. As root it runs as the `postgres` OS user, because `initdb` refuses root.
 */
export class LocalPostgresCluster {
  private running = false;
  private readonly onExit = () => {
    // A crashed test run must not leave a server behind.
    if (this.running) {
      try {
        execFileSync(...this.command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop']), {
          stdio: 'ignore',
        });
      } catch {
        // Nothing more to do on the way out.
      }
    }
  };

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  static async start(): Promise<LocalPostgresCluster> {
    const bin = findPostgresBin();
    if (!bin) {
      throw new Error(
        'PostgreSQL is required here: install it (apt-get install postgresql) or set DATABASE_URL.',
      );
    }
    const dir = await mkdtemp(join(tmpdir(), 'mfa-pg-'));
    const cluster = new LocalPostgresCluster(bin, dir, await freePort());
    try {
      const owner = runAsUser();
      if (owner) await chown(dir, owner.uid, owner.gid);
      await run(
        ...cluster.command('initdb', [
          '-D',
          cluster.dataDir,
          '-U',
          'postgres',
          '--auth=trust',
          '--no-locale',
          '--encoding=UTF8',
          '--no-sync',
        ]),
      );
      // Throwaway data: durability off for speed; room for two apps' pools and the tests'.
      await appendFile(
        join(cluster.dataDir, 'postgresql.conf'),
        [
          `listen_addresses = '127.0.0.1'`,
          `port = ${cluster.port}`,
          `unix_socket_directories = '${dir}'`,
          'max_connections = 200',
          'fsync = off',
          'synchronous_commit = off',
          'full_page_writes = off',
          '',
        ].join('\n'),
      );
      process.once('exit', cluster.onExit);
      await cluster.resume();
      return cluster;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Stops the server (fast shutdown: open connections are cut), keeping its data and port. */
  async halt(): Promise<void> {
    await run(...this.command('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']));
    this.running = false;
  }

  /** Starts the server on its data dir and port, and waits until it accepts connections. */
  async resume(): Promise<void> {
    this.running = true;
    await run(
      ...this.command('pg_ctl', [
        '-D',
        this.dataDir,
        '-l',
        join(this.dir, 'server.log'),
        '-w',
        '-t',
        '60',
        'start',
      ]),
    );
  }

  /** Stops the server and deletes its files. */
  async destroy(): Promise<void> {
    if (this.running) {
      await run(...this.command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop'])).catch(
        () => undefined,
      );
      this.running = false;
    }
    process.removeListener('exit', this.onExit);
    await rm(this.dir, { recursive: true, force: true });
  }

  private command(tool: string, args: string[]): [string, string[]] {
    const path = join(this.bin, tool);
    return runAsUser() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }
}

/** The OS user to run PostgreSQL as when we are root, or `null` to run as ourselves. */
function runAsUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'initdb refuses to run as root and there is no `postgres` OS user: install Debian’s postgresql package or run the tests as a non-root user.',
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
