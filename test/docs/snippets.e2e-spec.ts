import { beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// Every ```ts and ```tsx block in README.md and docs/*.md compiles against the source, in one
// in-memory program with the project's tsconfig. Free names that stand for the reader's own app
// (`users`, `sessions`, `UsersService`, …) are declared in PRELUDE below; add one there when a
// snippet needs it. A block preceded by `<!-- snippet: excerpt of <path> -->` is an excerpt of a
// file that the typecheck compiles: its lines must appear in that file, in order (`// …` lines
// stand for what was left out).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the snippets live in the program. Never written to disk. */
const VIRTUAL = join(ROOT, '.snippets');
const README_LIMIT = 12 * 1024;
/** Pages other issues are writing; the index may link them before they exist. */
const PAGES_IN_PROGRESS = ['docs/hardening.md', 'docs/telemetry.md'];

const PRELUDE = `
import type { ReactElement } from 'react';
import type { NestAuthRequest, NestAuthUser } from '@nest-auth/mfa';
declare global {
  /** The app's store: PostgresRecoveryCodeStore, or your own adapter. */
  const store: import('@nest-auth/mfa').RecoveryCodeStore;
  /** How the app sends email. */
  const mailer: { send(notice: import('@nest-auth/mfa').MfaNotice): Promise<void> };
  /** The app's users. */
  const users: {
    checkPassword(email: string, password: string): Promise<{ id: string; mfaEnabled: boolean }>;
    disableMfa(userId: string): Promise<void>;
  };
  /** The app's sessions (cookies, JWTs, express-session, …). */
  const sessions: {
    start(response: unknown, user: NestAuthUser): void;
    userFor(request: NestAuthRequest): NestAuthUser | null;
    userFromToken(token: unknown): NestAuthUser | null;
  };
  /** The Nest application, in main.ts. */
  const app: import('@nestjs/common').INestApplication;
  /** Where the app registers JwtModule. */
  class TokensModule {}
  class UsersModule {}
  class UsersService {
    disableMfa(userId: string): Promise<void>;
  }
  const db: { users: { update(id: string, fields: object): Promise<void> } };
  const audit: { log(line: string): void };
  function getToken(): Promise<string>;
  const typedCode: string;
  function showLockout(seconds: number | null): void;
  function App(): ReactElement;
  function connectToTestDatabase(): Promise<unknown>;
}
export {};
`;

/** Modules the snippets import by a relative path, as the reader's app would have them. */
const FIXTURES: Record<string, string> = {
  'database.module.ts': `import { Module } from '@nestjs/common';\nexport const PG_POOL = Symbol('PG_POOL');\n@Module({})\nexport class DatabaseModule {}\n`,
  'redis.module.ts': `import { Module } from '@nestjs/common';\nexport const REDIS = Symbol('REDIS');\n@Module({})\nexport class RedisModule {}\n`,
  'app.module.ts': `import { Module } from '@nestjs/common';\n@Module({})\nexport class AppModule {}\n`,
  'my-recovery-code.store.ts': `
import { InMemoryRecoveryCodeStore } from '@nest-auth/mfa';
export class MyRecoveryCodeStore extends InMemoryRecoveryCodeStore {
  constructor(_database: unknown) {
    super();
  }
  async disconnect(): Promise<void> {}
}
`,
  'typeorm-recovery-code.store.ts': `export { TypeOrmRecoveryCodeStore } from '../examples/typeorm/typeorm-recovery-code.store.js';\n`,
};

interface Snippet {
  page: string;
  line: number;
  lang: 'ts' | 'tsx';
  code: string;
  excerptOf?: string;
}

function pages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs.sort()];
}

function snippetsOf(page: string): Snippet[] {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const found: Snippet[] = [];
  let excerptOf: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const marker = /^<!-- snippet: excerpt of (\S+) -->$/.exec(line.trim());
    if (marker) {
      excerptOf = marker[1];
      continue;
    }
    const fence = /^(\s*)```(\w+)\s*$/.exec(line);
    if (!fence) {
      if (line.trim()) excerptOf = undefined;
      continue;
    }
    const indent = fence[1] ?? '';
    const start = i + 1;
    let end = start;
    while (end < lines.length && (lines[end] ?? '').trim() !== '```') end++;
    const lang = fence[2];
    if (lang === 'ts' || lang === 'tsx' || lang === 'typescript') {
      found.push({
        page,
        line: start + 1,
        lang: lang === 'tsx' ? 'tsx' : 'ts',
        // A block inside a list item is indented with the item.
        code: lines
          .slice(start, end)
          .map((codeLine) =>
            codeLine.startsWith(indent) ? codeLine.slice(indent.length) : codeLine,
          )
          .join('\n'),
        excerptOf,
      });
    }
    excerptOf = undefined;
    i = end;
  }
  return found;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    // A snippet shows a class or a constant without using it.
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ['node'],
  };
}

/** Compiles every snippet in one program; diagnostics by virtual file name. */
function compile(snippets: Snippet[]): {
  byFile: Map<string, readonly ts.Diagnostic[]>;
  fileOf: Map<Snippet, string>;
} {
  const files = new Map<string, string>();
  files.set(join(VIRTUAL, 'prelude.ts'), PRELUDE);
  for (const [name, text] of Object.entries(FIXTURES)) files.set(join(VIRTUAL, name), text);
  const fileOf = new Map<Snippet, string>();
  snippets.forEach((snippet, index) => {
    const name = join(
      VIRTUAL,
      `${snippet.page.replace(/[/.]/g, '_')}-${snippet.line}-${index}.${snippet.lang}`,
    );
    // `export {}` keeps each snippet a module of its own.
    files.set(name, `${snippet.code}\nexport {};\n`);
    fileOf.set(snippet, name);
  });

  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (path) => files.has(resolve(path)) || fileExists.call(host, path);
  host.readFile = (path) => files.get(resolve(path)) ?? readFile.call(host, path);
  host.directoryExists = (path) =>
    resolve(path) === VIRTUAL || (directoryExists?.call(host, path) ?? false);
  host.getSourceFile = (path, languageVersion, onError, shouldCreate) => {
    const text = files.get(resolve(path));
    return text === undefined
      ? getSourceFile.call(host, path, languageVersion, onError, shouldCreate)
      : ts.createSourceFile(path, text, languageVersion, true);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const byFile = new Map<string, readonly ts.Diagnostic[]>();
  for (const name of files.keys()) {
    const sourceFile = program.getSourceFile(name);
    byFile.set(
      name,
      sourceFile
        ? [
            ...program.getSyntacticDiagnostics(sourceFile),
            ...program.getSemanticDiagnostics(sourceFile),
          ]
        : [],
    );
  }
  return { byFile, fileOf };
}

function describeDiagnostic(snippet: Snippet, diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `${snippet.page}: ${message}`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${snippet.page}:${snippet.line + line}: TS${diagnostic.code} ${message}`;
}

/** Whether `excerpt`'s lines appear in `source` in order, `// …` lines and blank lines aside. */
function missingLines(excerpt: string, source: string): string[] {
  const sourceLines = source.split('\n').map((line) => line.trim());
  let at = 0;
  const missing: string[] = [];
  for (const raw of excerpt.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('// …')) continue;
    const found = sourceLines.indexOf(line, at);
    if (found < 0) missing.push(line);
    else at = found + 1;
  }
  return missing;
}

const all = pages().flatMap(snippetsOf);
const compiled = all.filter((snippet) => !snippet.excerptOf);
const excerpts = all.filter((snippet) => snippet.excerptOf);

describe('the snippets of README.md and docs/', () => {
  let result: ReturnType<typeof compile>;

  beforeAll(() => {
    result = compile(compiled);
  }, 120_000);

  it('finds the quick start and the moved sections', () => {
    expect(compiled.filter((s) => s.page === 'README.md').length).toBeGreaterThanOrEqual(2);
    expect(compiled.some((s) => s.page === 'docs/stores.md')).toBe(true);
    expect(compiled.some((s) => s.page === 'docs/client-and-react.md')).toBe(true);
  });

  it.each(pages())('compiles every TypeScript snippet of %s', (page) => {
    const errors = compiled
      .filter((snippet) => snippet.page === page)
      .flatMap((snippet) => {
        const file = result.fileOf.get(snippet) ?? '';
        return (result.byFile.get(file) ?? []).map((diagnostic) =>
          describeDiagnostic(snippet, diagnostic),
        );
      });
    expect(errors).toEqual([]);
  });

  it.each(excerpts.map((snippet) => [`${snippet.page}:${snippet.line}`, snippet] as const))(
    'quotes its source faithfully in the excerpt at %s',
    (_where, snippet) => {
      const source = readFileSync(join(ROOT, snippet.excerptOf ?? ''), 'utf8');
      expect(missingLines(snippet.code, source)).toEqual([]);
    },
  );
});

describe('README.md as a front page', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it(`stays within ${README_LIMIT / 1024} KB`, () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(README_LIMIT);
  });

  it('goes: install, quick start, options, errors, security model, links, demo, develop', () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings).toEqual([
      'Install',
      'Quick start',
      'Options',
      'Errors',
      'Security model',
      'Documentation',
      'Run the demo',
      'Develop',
      'License',
    ]);
  });

  it("quotes the product page's generate endpoint verbatim", () => {
    expect(readme).toContain(
      [
        '  @Auth()',
        "  @Post('me/mfa/recovery-codes')",
        '  generate(@CurrentUser() user: NestAuthUser) {',
        '    return this.mfa.generateRecoveryCode(user.id);',
        '  }',
      ].join('\n'),
    );
  });
});

describe('links between the pages', () => {
  it.each(pages())('%s links only to files that exist (or are being written)', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((match) => match[1] ?? '')
      .filter((target) => !/^[a-z]+:/.test(target));
    const dead = targets
      .map((target) => relative(ROOT, resolve(dirname(join(ROOT, page)), target)))
      .filter((path) => !existsSync(join(ROOT, path)) && !PAGES_IN_PROGRESS.includes(path));
    expect(dead).toEqual([]);
  });

  it('reaches every page of docs/ from docs/README.md', () => {
    const index = readFileSync(join(ROOT, 'docs/README.md'), 'utf8');
    const linked = new Set([...index.matchAll(/\]\(([^)#\s]+)/g)].map((match) => match[1]));
    const unlinked = pages()
      .filter((page) => page.startsWith('docs/') && page !== 'docs/README.md')
      .map((page) => page.slice('docs/'.length))
      .filter((name) => !linked.has(name));
    expect(unlinked).toEqual([]);
  });
});
