import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/CONFORMANCE.md'), 'utf8');

/** The requirements the page must cover: issue 10's list, nothing silently dropped. */
const REQUIRED_IDS = [
  'NIST-3.1.2.1-a',
  'NIST-3.1.2.1-b',
  'NIST-3.1.2.2-a',
  'NIST-3.1.2.2-b',
  'NIST-3.1.2.2-c',
  'NIST-3.1.2.2-d',
  'NIST-3.2.2-a',
  'NIST-3.2.2-b',
  'NIST-4.2.1.1-a',
  'NIST-4.2.1.1-b',
  'NIST-4.2.1.1-c',
  'ASVS-6.5.1',
  'ASVS-6.5.2',
  'ASVS-6.5.3',
  'ASVS-6.5.4',
  'ASVS-6.5.6',
  'ASVS-6.3.7',
];

interface Row {
  id: string;
  requirement: string;
  how: string;
  proofs: { file: string; test: string }[];
}

/** The table rows whose first cell is an id such as `NIST-3.2.2-a` or `ASVS-6.5.1`. */
function rows(markdown: string): Row[] {
  return markdown
    .split('\n')
    .filter((line) => /^\|\s*(NIST|ASVS)-/.test(line))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const proofs = [...cells[3].matchAll(/`([^`]+)`\s*“([^”]+)”/g)].map(([, file, test]) => ({
        file,
        test,
      }));
      return { id: cells[0], requirement: cells[1], how: cells[2], proofs };
    });
}

/** Every test title in a spec file: the first argument of `it(`, `test(` or `it.each(…)(`. */
function testTitles(source: string): RegExp[] {
  const titles = source.matchAll(
    /(?:\b(?:it|test)|\))\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\$]|\\.)*)`)/g,
  );
  return [...titles].map((match) => {
    const title = (match[1] ?? match[2] ?? match[3]).replace(/\\(.)/g, '$1');
    // it.each titles: %s, %p, %d and friends stand for any value.
    const pattern = title
      .split(/%[spdifjo#%]/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+');
    return new RegExp(`^${pattern}$`);
  });
}

describe('docs/CONFORMANCE.md', () => {
  const table = rows(DOC);

  it('has one row for every requirement of the issue, each id once', () => {
    const ids = table.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of REQUIRED_IDS) expect(ids).toContain(id);
  });

  it('quotes each requirement, says how it is met, and cites at least one test', () => {
    for (const row of table) {
      expect({ id: row.id, quoted: /"[^"]{20,}"/.test(row.requirement) }).toEqual({
        id: row.id,
        quoted: true,
      });
      expect({ id: row.id, how: row.how.length > 40 }).toEqual({ id: row.id, how: true });
      expect({ id: row.id, proofs: row.proofs.length > 0 }).toEqual({ id: row.id, proofs: true });
    }
  });

  it('cites only spec files and tests that exist', () => {
    const missing: string[] = [];
    for (const { id, proofs } of table) {
      for (const { file, test } of proofs) {
        const path = join(ROOT, file);
        if (!/\.(spec|e2e-spec)\.tsx?$/.test(file) || !existsSync(path)) {
          missing.push(`${id}: no spec file ${file}`);
          continue;
        }
        if (!testTitles(readFileSync(path, 'utf8')).some((title) => title.test(test))) {
          missing.push(`${id}: no test “${test}” in ${file}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('notices a citation that does not exist', () => {
    const broken = rows(
      '| NIST-0-x | "a requirement quoted in full here" | how it is met, at some length here | `src/mfa.service.spec.ts` “no such test at all” |',
    );
    const titles = testTitles(readFileSync(join(ROOT, broken[0].proofs[0].file), 'utf8'));
    expect(titles.length).toBeGreaterThan(10);
    expect(titles.some((title) => title.test('no such test at all'))).toBe(false);
    expect(titles.some((title) => title.test('revokes every code at once'))).toBe(true);
  });
});
