import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium } from './find-chromium.js';

describe('findChromium (which browser the demo test drives)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'find-chromium-'));
  const fake = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  };
  const browser = fake('chromium-browser');
  fake('google-chrome');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes CHROMIUM_PATH first', () => {
    expect(findChromium({ CHROMIUM_PATH: browser, PATH: '' })).toEqual({ path: browser });
  });

  it('otherwise takes the first of chromium, chromium-browser, google-chrome on PATH', () => {
    expect(findChromium({ PATH: `/nonexistent:${dir}` })).toEqual({ path: browser });
  });

  it('says in one line why there is none', () => {
    expect(findChromium({ PATH: '/nonexistent' })).toEqual({
      missing:
        'no chromium, chromium-browser, google-chrome on PATH and no CHROMIUM_PATH (apt-get install chromium; .ci/run does)',
    });
    expect(findChromium({ CHROMIUM_PATH: join(dir, 'nope'), PATH: dir })).toEqual({
      missing: `CHROMIUM_PATH=${join(dir, 'nope')} is not an executable file`,
    });
  });
});
