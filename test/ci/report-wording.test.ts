// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the samples are TypeScript source, their templates are the point
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The mutation run's `report-wording` ignorer (scripts/mutation/report-wording.mjs) leaves a
 * variable's mutants out of the logic score only when the variable is named as text and given
 * words. A Stryker plugin is an ES module over Babel paths: this runs it in a child node on a
 * parsed sample and reads, for each variable, the reason it gives or null.
 */

const ROOT = path.join(__dirname, '..', '..');

/**
 * Parses the sample, runs `visitor` (Babel visitor source that fills `reasons`) over it and
 * returns `reasons`; fails on anything the probe writes to stderr.
 */
function probe(visitor: string, sample: string): Record<string, string | null> {
  const source = `
import { parse } from '@babel/parser';
import traverseModule from '@babel/traverse';
import { textReason } from './scripts/mutation/report-wording.mjs';
const traverse = traverseModule.default ?? traverseModule;
const ast = parse(process.env.SAMPLE, { sourceType: 'module', plugins: ['typescript'] });
const reasons = {};
traverse(ast, ${visitor});
console.log(JSON.stringify(reasons));
`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: ROOT,
    env: { ...process.env, SAMPLE: sample },
    encoding: 'utf8',
  });
  if (run.status !== 0 || run.stderr) throw new Error(`the probe failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** For each variable declared: the reason the ignorer gives its initialiser, or null. */
function reasonsFor(declarations: readonly string[]): Record<string, string | null> {
  const sample = `async function f(dynamodb, now, days, at, n, r, marker) {\n${declarations.join('\n')}\n}`;
  return probe("{ VariableDeclarator(p) { reasons[p.node.id.name] = textReason(p.get('init')) ?? null; } }", sample);
}

test('a text-named variable given words is report wording', () => {
  const reasons = reasonsFor([
    'const summary = `restored ${n} items`;',
    "const seeded = at ? `, seeded ${at}` : '';",
    "const why = [...r].map((x) => `${x}`).join(', ');",
    "const parts = [`${n} sampled`, 'all equal'];",
    "let what = 'backup job';",
  ]);
  expect(reasons).toEqual({
    summary: expect.stringMatching(/^report wording: summary/),
    seeded: expect.stringMatching(/^report wording: seeded/),
    why: expect.stringMatching(/^report wording: why/),
    parts: expect.stringMatching(/^report wording: parts/),
    what: expect.stringMatching(/^report wording: what/),
  });
});

test('a text-named variable holding counts, a time or a function is logic, as is words under another name', () => {
  const reasons = reasonsFor([
    "const summary = await dynamodb.scanItems('orders', { segments: 1 });",
    'const since = now - days * 86_400_000;',
    'const inForce = (drill) => drill.queuedAt ?? drill.startedAt;',
    'const why = at ? `${at}` : marker.reason;',
    'const total = `restored ${n} items`;',
  ]);
  expect(reasons).toEqual({ summary: null, since: null, inForce: null, why: null, total: null });
});

test("an error's message is wording: an ...Error class, or a class of the module that extends one", () => {
  const sample = [
    'class NotOnFastPath extends Error {}',
    'class Refusal extends RangeError {}',
    'class Plain {}',
    "function f() { if (a) throw new Error('one'); if (b) throw new NotOnFastPath('two'); if (c) throw new Refusal('three'); return [new Plain('four'), new Unknown('five')]; }",
  ].join('\n');
  // For each string literal: the reason the ignorer gives, or null.
  const reasons = probe('{ StringLiteral(p) { reasons[p.node.value] = textReason(p) ?? null; } }', sample);
  expect(reasons).toEqual({
    one: 'report wording: an error message',
    two: 'report wording: an error message',
    three: 'report wording: an error message',
    four: null,
    five: null,
  });
});
