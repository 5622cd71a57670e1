import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import type { Setting } from '../../lambda/settings/setting';
import { SETTINGS } from '../../lambda/settings/spec';
import { TABLE_OPTIONS } from '../../lambda/settings/tables';
import { DRILL_TARGET_SETTINGS } from '../../lambda/settings/targets';
import { README, readmeWithTable } from '../../scripts/settings-table';

const ROOT = path.join(__dirname, '..', '..');

interface MemberDoc {
  readonly text: string;
  readonly defaultTag?: string;
}

/** What an editor shows for each member of a type, through the mapped types that derive it from the spec. */
function editorDocs(typeName: string, file: string): Map<string, MemberDoc> {
  const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const declaration = program
    .getSourceFile(file)
    ?.statements.find(
      (statement) => (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name.text === typeName,
    );
  if (!declaration) throw new Error(`no ${typeName} in ${file}`);
  return new Map(
    checker
      .getTypeAtLocation(declaration)
      .getProperties()
      .map((member) => {
        const defaultTag = member.getJsDocTags(checker).find((tag) => tag.name === 'default');
        const doc = {
          text: ts.displayPartsToString(member.getDocumentationComment(checker)),
          defaultTag: defaultTag && ts.displayPartsToString(defaultTag.text),
        };
        return [member.name, doc];
      }),
  );
}

describe.each([
  ['RestoreDrillSettings', path.join(ROOT, 'lambda', 'settings', 'spec.ts'), SETTINGS as Record<string, Setting<unknown>>],
  ['DrillTableSetting', path.join(ROOT, 'lambda', 'settings', 'tables.ts'), TABLE_OPTIONS as Record<string, Setting<unknown>>],
])('%s', (typeName, file, spec) => {
  const docs = editorDocs(typeName, file);

  test('editors show the doc and the @default of each setting, written once in the spec', () => {
    for (const name of Object.keys(spec)) {
      const doc = docs.get(name);
      expect({ name, documented: (doc?.text.length ?? 0) > 20, defaultTag: doc?.defaultTag !== undefined }).toEqual({
        name,
        documented: true,
        defaultTag: true,
      });
    }
  });

  test("each @default names the spec's default: its value first, or prose ('- ...') when there is none or an empty list", () => {
    for (const [name, setting] of Object.entries(spec)) {
      const tag = docs.get(name)?.defaultTag ?? '';
      const value = setting.default;
      const none = value === undefined || (Array.isArray(value) && value.length === 0);
      const literal = /^'([^']*)'/.exec(tag)?.[1] ?? /^(true|false|-?[\d.]+)\b/.exec(tag)?.[1];
      expect({ name, tag: none ? tag.startsWith('- ') : literal }).toEqual({ name, tag: none ? true : String(value) });
    }
  });
});

test('editors show the doc of each member of DrillTargets (lambda/config.ts), derived from DRILL_TARGET_SETTINGS', () => {
  const docs = editorDocs('DrillTargets', path.join(ROOT, 'lambda', 'config.ts'));
  expect([...docs.keys()]).toEqual(Object.keys(DRILL_TARGET_SETTINGS));
  for (const [name, doc] of docs) expect({ name, documented: doc.text.length > 20 }).toEqual({ name, documented: true });
});

test('editors show the doc of each table option on DrilledTable (lambda/config.ts), derived from TABLE_OPTIONS', () => {
  const docs = editorDocs('DrilledTable', path.join(ROOT, 'lambda', 'config.ts'));
  for (const name of Object.keys(TABLE_OPTIONS))
    expect({ name, documented: (docs.get(name)?.text.length ?? 0) > 20 }).toEqual({ name, documented: true });
});

test("README's settings table is the one the spec generates (npm run docs:settings writes it)", () => {
  const readme = readFileSync(README, 'utf8');
  expect(readme).toBe(readmeWithTable(readme));
});

test('the spec stays importable by the drill bundle: nothing it imports reaches aws-cdk-lib, constructs or the schedule simulation', () => {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
      if (!specifier.startsWith('.')) packages.add(specifier);
      else visit(require.resolve(path.resolve(path.dirname(file), specifier)));
    }
  };
  visit(path.join(ROOT, 'lambda', 'read-config.ts'));
  expect(seen).toContain(path.join(ROOT, 'lambda', 'settings', 'spec.ts'));
  expect([...packages].filter((name) => /^(aws-cdk-lib|constructs|cron-parser)/.test(name))).toEqual([]);
  expect([...seen].filter((file) => file.includes(`${path.sep}lib${path.sep}`))).toEqual([]);
});
