import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The app of `main.ts`, compiled to plain ESM in a temp dir with the library sources it imports. */
export interface CompiledApp {
  main: string;
  remove(): Promise<void>;
}

/**
 * Compiles `main.ts` (and the sources it imports) with `tsc` into a private temp dir, so the
 * children run real Node ESM without a loader, and never race a concurrent `npm run build`.
 * `entry` names another app's main file, relative to the repository root.
 */
export async function compileApp(
  entry = 'test/postgres/cross-process/main.ts',
): Promise<CompiledApp> {
  const out = await mkdtemp(join(tmpdir(), 'mfa-apps-'));
  await writeFile(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  // The store reads its schema from `migrations/` next to the compiled sources.
  await cp(join(ROOT, 'migrations'), join(out, 'migrations'), { recursive: true });
  await writeFile(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        rootDir: ROOT,
        outDir: out,
        noEmit: false,
        declaration: false,
        sourceMap: false,
        types: ['node'],
      },
      files: [join(ROOT, entry)],
      include: [],
    }),
  );
  await promisify(execFile)(process.execPath, [
    join(ROOT, 'node_modules/typescript/bin/tsc'),
    '-p',
    join(out, 'tsconfig.json'),
  ]);
  return {
    main: join(out, entry.replace(/\.ts$/, '.js')),
    remove: () => rm(out, { recursive: true, force: true }),
  };
}

/** A running app instance in its own process. */
export interface AppProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts one instance and resolves once it listens. */
export async function startApp(app: CompiledApp, env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, [app.main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /LISTENING (\d+)/.exec(stdout);
      if (match) resolvePort(Number(match[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`The app exited with ${code} before listening:\n${stderr}`)),
    );
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
