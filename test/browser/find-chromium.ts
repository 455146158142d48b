import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The browsers looked for on `PATH`, in order. */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const;

/**
 * The Chromium to drive: `CHROMIUM_PATH` when set, else the first of `CHROMIUM_NAMES` on `PATH`.
 * Returns the reason instead when there is none, for a one-line skip message.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
): { path: string } | { missing: string } {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (env.CHROMIUM_PATH) {
    return executable(env.CHROMIUM_PATH)
      ? { path: env.CHROMIUM_PATH }
      : { missing: `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file` };
  }
  for (const name of CHROMIUM_NAMES) {
    for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
      if (executable(join(dir, name))) return { path: join(dir, name) };
    }
  }
  return {
    missing: `no ${CHROMIUM_NAMES.join(', ')} on PATH and no CHROMIUM_PATH (apt-get install chromium; .ci/run does)`,
  };
}
