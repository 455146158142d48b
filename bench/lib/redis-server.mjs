// A throwaway redis-server for the Redis rows: from $REDIS_SERVER, /usr/bin or the PATH, in a temp
// dir, on a free loopback port, stopped by its pid and deleted after.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

function findBin() {
  const candidates = [
    process.env.REDIS_SERVER,
    '/usr/bin/redis-server',
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server')),
  ];
  return candidates.find((path) => path && existsSync(path)) ?? null;
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

/**
 * Resolves `{ url, port, version, settings, stop }`, or `{ skipped: reason }` when no server can be
 * started. `appendOnly` keeps an AOF with `appendfsync everysec`, the usual durable setting.
 */
export async function startThrowawayRedis({ appendOnly = false } = {}) {
  const bin = findBin();
  if (!bin) return { skipped: 'no redis-server (apt-get install redis-server)' };
  const dir = mkdtempSync(join(tmpdir(), 'nest-auth-mfa-bench-redis-'));
  const port = await freePort();
  const settings = appendOnly ? 'AOF, appendfsync everysec' : 'no persistence';
  const child = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    child.stdout.on('data', (chunk) => {
      log += chunk;
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.stderr.on('data', (chunk) => {
      log += chunk;
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `redis-server did not start: ${log.trim().split('\n').at(-1) ?? ''}` };
  }
  child.stdout.resume();
  child.stderr.resume();
  const version = /version=(\d+\.\d+\.\d+)/.exec(log)?.[1];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    version: version ? `Redis ${version}` : 'Redis',
    settings,
    stop,
  };
}
