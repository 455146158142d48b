#!/usr/bin/env node
// Fails when the TypeScript sources under a folder (default: src) import each other in a cycle.
// Every relative module reference counts: `import`, `import type`, `export … from`, `import()` and
// `require()`, as TypeScript's own pre-processor finds them, so a type-only cycle fails too: our
// rule is that dependencies point one way (routes/auth -> service -> codes/store), not merely that
// the emitted JavaScript loads. Specs are left out; they may import anything.
// usage: node scripts/check-import-cycles.mjs [folder]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? 'src');
const isSource = (name) =>
  /\.tsx?$/.test(name) && !/\.(spec|e2e-spec)\.tsx?$/.test(name) && !name.endsWith('.d.ts');

function sourcesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return isSource(entry.name) ? [path] : [];
  });
}

// `./x.js` names the emitted file; the source is `./x.ts`, `./x.tsx` or `./x/index.ts`.
function resolveSource(from, specifier) {
  const base = resolve(dirname(from), specifier.replace(/\.(m|c)?js$/, ''));
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find(
    (candidate) => existsSync(candidate) && isSource(candidate),
  );
}

const files = sourcesUnder(root);
const edges = new Map(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((ref) => ref.fileName)
      .filter((name) => name.startsWith('./') || name.startsWith('../'))
      .map((name) => resolveSource(file, name))
      .filter((target) => target !== undefined);
    return [file, [...new Set(targets)]];
  }),
);

// Depth-first search; a back edge to a file still on the path closes a cycle, printed in import
// order. Each file is finished once, so the search is linear in files and imports.
const cycles = [];
const state = new Map(); // file -> 'open' | 'done'
const path = [];
function visit(file) {
  state.set(file, 'open');
  path.push(file);
  for (const target of edges.get(file) ?? []) {
    if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target]);
    else if (!state.has(target)) visit(target);
  }
  path.pop();
  state.set(file, 'done');
}
for (const file of [...files].sort()) if (!state.has(file)) visit(file);

const show = (file) => relative(process.cwd(), file);
if (cycles.length > 0) {
  for (const cycle of cycles) console.error(`import cycle: ${cycle.map(show).join(' -> ')}`);
  console.error(
    `${cycles.length} import cycle(s) under ${show(root)}: make the dependency point one way.`,
  );
  process.exit(1);
}
console.log(`no import cycles among ${files.length} files under ${show(root)}`);
