// A throwaway PostgreSQL cluster for the store rows: initdb and pg_ctl from
// /usr/lib/postgresql/*/bin, in a temp dir, on a free loopback port, stopped and deleted after.
// As root, the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
// Every step is bounded: a stuck initdb or pg_ctl must not hang the bench.
const run = (file, args, options = {}) =>
  execFileAsync(file, args, { timeout: 60_000, ...options });

function findBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves `{ url, version, stop }`, or `{ skipped: reason }` when no cluster can be started. */
export async function startThrowawayCluster() {
  const bin = findBin();
  if (!bin) return { skipped: 'no initdb under /usr/lib/postgresql/*/bin' };
  const asRoot = userInfo().uid === 0;
  let uid;
  let gid;
  if (asRoot) {
    try {
      const { stdout } = await run('id', ['-u', 'postgres']);
      uid = Number(stdout.trim());
      gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    } catch {
      return { skipped: 'running as root and there is no `postgres` OS user to run the server' };
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'nest-auth-mfa-bench-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (asRoot) chownSync(dir, uid, gid);
  // execFile with uid/gid drops privileges for the child alone.
  const as = asRoot ? { uid, gid, env: { ...process.env, HOME: dir } } : {};
  const port = await freePort();
  const pgCtl = join(bin, 'pg_ctl');
  try {
    await run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      as,
    );
    const serverOptions = [
      `-p ${port}`,
      "-c listen_addresses='127.0.0.1'",
      `-c unix_socket_directories='${dir}'`,
    ].join(' ');
    await run(pgCtl, ['-D', data, '-l', log, '-o', serverOptions, '-w', '-t', '30', 'start'], as);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `could not start a throwaway cluster: ${String(error.message).trim()}` };
  }
  const { stdout: version } = await run(join(bin, 'postgres'), ['--version']);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], as).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version: version.trim().replace(/^postgres \(PostgreSQL\)/, 'PostgreSQL'),
    stop,
  };
}
