import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The `no-restricted-imports` errors `npm run lint` reports for `source` at `path`. */
async function restrictedImports(path: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}${path}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('the lint boundary of src/client and src/react (they run in browsers)', () => {
  it('refuses Node built-ins, Nest and the server side of the package in src/client', async () => {
    const errors = await restrictedImports(
      'src/client/probe.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import { createHash } from 'crypto';",
        "import { Injectable } from '@nestjs/common';",
        "import { Observable } from 'rxjs';",
        "import { MfaService } from '../mfa.service.js';",
        'export const all = [readFileSync, createHash, Injectable, Observable, MfaService];',
      ].join('\n'),
    );
    expect(errors).toHaveLength(5);
    expect(errors.join('\n')).toContain('no Node built-ins');
    expect(errors.join('\n')).toContain('no Nest or server packages');
  });

  it('lets src/react use React and the client, and nothing else of the package', async () => {
    expect(
      await restrictedImports(
        'src/react/probe.ts',
        [
          "import { useState } from 'react';",
          "import type { NestAuthClient } from '../client/nest-auth-client.interface.js';",
          'export type Probe = [typeof useState, NestAuthClient];',
        ].join('\n'),
      ),
    ).toEqual([]);
    const errors = await restrictedImports(
      'src/react/probe.ts',
      [
        "import type { MfaModuleOptions } from '../mfa-module-options.interface.js';",
        "import type { TestApp } from '../../test/utils/test-app.js';",
        'export type Probe = [MfaModuleOptions, TestApp];',
      ].join('\n'),
    );
    expect(errors).toHaveLength(2);
  });

  it('applies the same rule in nested folders such as src/react/testing', async () => {
    const errors = await restrictedImports(
      'src/react/testing/probe.ts',
      [
        "import type { NestAuthClient } from '../../client/index.js';",
        "import type { Probe as Sibling } from '../nest-auth.provider.js';",
        "import { MfaService } from '../../mfa.service.js';",
        'export type Probe = [NestAuthClient, Sibling, MfaService];',
      ].join('\n'),
    );
    expect(errors).toEqual([expect.stringContaining('import only from src/client')]);
  });

  it('leaves the specs free to boot a Nest server', async () => {
    expect(
      await restrictedImports(
        'src/client/probe.spec.ts',
        "import { Test } from '@nestjs/testing';\nexport const t = Test;",
      ),
    ).toEqual([]);
  });
});
