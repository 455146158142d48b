// Fails unless the npm tarball holds exactly what users need: dist/, the migrations (if any), the
// README, the CHANGELOG, the LICENSE and package.json, with every `exports` target inside.
// Run after `npm run build`: node test/package/check-tarball.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ALLOWED = [
  /^dist\//,
  /^migrations\//,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^package\.json$/,
];
const REQUIRED = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'];
// Test files and build caches must never ship, even inside dist/.
const FORBIDDEN = [/\.spec\./, /\.e2e-spec\./, /\.tsbuildinfo$/, /(?:^|\/)__\w+__\//];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [pack] = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
);
const files = pack.files.map((file) => file.path).sort();
const packed = new Set(files);
const problems = [];

for (const file of files) {
  if (!ALLOWED.some((pattern) => pattern.test(file))) problems.push(`unexpected file: ${file}`);
  if (FORBIDDEN.some((pattern) => pattern.test(file))) problems.push(`test or cache file: ${file}`);
}
for (const file of REQUIRED) {
  if (!packed.has(file)) problems.push(`missing file: ${file}`);
}

/** Every file an `exports` condition points to, however deeply nested. */
function exportTargets(value) {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(exportTargets);
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const targets = new Set([...exportTargets(manifest.exports), manifest.main, manifest.types]);
for (const target of targets) {
  if (target === undefined) continue;
  const path = target.replace(/^\.\//, '');
  if (!packed.has(path)) problems.push(`exports target not packed (run npm run build?): ${target}`);
}

if (problems.length > 0) {
  console.error(`${pack.filename}: the tarball is not clean:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const entries = [...new Set(files.map((file) => file.replace(/\/.*$/, '/')))];
console.log(`${pack.filename}: ${files.length} files (${entries.join(', ')}), ${pack.size} bytes`);
