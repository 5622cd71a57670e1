import { existsSync, readFileSync } from 'node:fs';

/**
 * Per-folder mutation scores from the last Stryker run (reports/mutation/mutation.json): the
 * issue's targets are per folder (lambda/checks, digest, drill, report), Stryker's own score is one
 * number. Usage: npm run test:mutation:scores [-- --gate] (--gate: exit 1 when a folder is below target).
 *
 * Logic: mutants that change what the engine decides, text-only ones left out (the report-wording
 * ignorer, scripts/mutation/report-wording.mjs). With text: all of them, measured by a
 * `--with-text` run; after a logic-only run the text mutants were not run and the figure shown is a
 * lower bound that counts each of them as survived. Mutants the compiler rejects, static ones
 * Stryker did not run, and those disabled in the code as equivalent are counted apart, in no score.
 */

export const REPORT_FILE = 'reports/mutation/mutation.json';
/** Written by the report-wording-recorder ignorer during a --with-text run (report-wording.mjs). */
export const TEXT_RANGES_FILE = 'reports/mutation/text-ranges.jsonl';

export const TARGETS = { logic: 85, withText: 75 } as const;

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const TEXT_REASON = /^report wording/;

interface Position {
  readonly line: number;
  readonly column: number;
}
interface Mutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly location: { readonly start: Position; readonly end: Position };
}
interface Report {
  readonly files: Record<string, { readonly mutants: readonly Mutant[] }>;
}
interface TextRange {
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
}

export interface FolderScore {
  readonly folder: string;
  /** Mutants that change what the engine decides: detected (killed or timed out) of valid; survived and not covered among the rest. */
  readonly logic: { detected: number; valid: number; survived: number; noCoverage: number };
  /** Text-only mutants: detected of valid when run (--with-text), else how many were not run. */
  readonly text: { detected: number; valid: number; notRun: number };
  /** Mutants the TypeScript checker rejected: not in any score. */
  compileErrors: number;
  /** Disabled in the code as equivalent (`// Stryker disable next-line <mutator>: <why>`). */
  equivalent: number;
  /** Static mutants, not run (ignoreStatic). */
  static: number;
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.column <= b.column);
const inside = (mutant: Mutant, range: TextRange) => before(range.start, mutant.location.start) && before(mutant.location.end, range.end);

/** lambda/checks/custom/item-rule.ts -> lambda/checks */
export const folderOf = (file: string) => file.replace(/\\/g, '/').split('/').slice(0, 2).join('/');

const percent = (detected: number, valid: number) => (valid === 0 ? 100 : (100 * detected) / valid);

export function folderScores(report: Report, textRanges: readonly TextRange[]): FolderScore[] {
  const folders = new Map<
    string,
    {
      -readonly [K in keyof FolderScore]: FolderScore[K] extends object
        ? { -readonly [P in keyof FolderScore[K]]: number }
        : FolderScore[K];
    }
  >();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = folderOf(file);
    const ranges = textRanges.filter((range) => range.file === file.replace(/\\/g, '/'));
    let score = folders.get(folder);
    if (!score) {
      score = {
        folder,
        logic: { detected: 0, valid: 0, survived: 0, noCoverage: 0 },
        text: { detected: 0, valid: 0, notRun: 0 },
        compileErrors: 0,
        equivalent: 0,
        static: 0,
      };
      folders.set(folder, score);
    }
    for (const mutant of mutants) {
      if (mutant.status === 'CompileError' || mutant.status === 'RuntimeError') {
        score.compileErrors += 1;
        continue;
      }
      if (mutant.status === 'Ignored') {
        if (TEXT_REASON.test(mutant.statusReason ?? '')) score.text.notRun += 1;
        else if (/static/i.test(mutant.statusReason ?? '')) score.static += 1;
        else score.equivalent += 1;
        continue;
      }
      const isText = ranges.some((range) => inside(mutant, range));
      const bucket = isText ? score.text : score.logic;
      bucket.valid += 1;
      if (DETECTED.has(mutant.status)) bucket.detected += 1;
      else if (!isText && mutant.status === 'Survived') score.logic.survived += 1;
      else if (!isText && mutant.status === 'NoCoverage') score.logic.noCoverage += 1;
      else if (!UNDETECTED.has(mutant.status)) throw new Error(`unexpected mutant status ${mutant.status} in ${file}`);
    }
  }
  return [...folders.values()].sort((a, b) => a.folder.localeCompare(b.folder));
}

export const logicScore = (s: FolderScore) => percent(s.logic.detected, s.logic.valid);
/** With text included; a lower bound (text mutants not run counted as survived) after a logic-only run. */
export const withTextScore = (s: FolderScore) => percent(s.logic.detected + s.text.detected, s.logic.valid + s.text.valid + s.text.notRun);

function readTextRanges(): TextRange[] {
  if (!existsSync(TEXT_RANGES_FILE)) return [];
  return readFileSync(TEXT_RANGES_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TextRange);
}

/** Prints the table; returns false when a folder misses a target (the with-text one only when measured). */
export function printScores(): boolean {
  if (!existsSync(REPORT_FILE)) throw new Error(`${REPORT_FILE} not found: run npm run test:mutation first`);
  const report = JSON.parse(readFileSync(REPORT_FILE, 'utf8')) as Report;
  const scores = folderScores(report, readTextRanges());
  const rows = scores.map((s) => {
    const textMeasured = s.text.notRun === 0;
    return {
      folder: s.folder,
      'logic %': logicScore(s).toFixed(1),
      'logic killed/valid': `${s.logic.detected}/${s.logic.valid}`,
      survived: s.logic.survived,
      'no coverage': s.logic.noCoverage,
      'text killed/valid': textMeasured ? `${s.text.detected}/${s.text.valid}` : `${s.text.notRun} not run`,
      'with text %': `${textMeasured ? '' : '>='}${withTextScore(s).toFixed(1)}`,
      'compile errors': s.compileErrors,
      'equivalent (disabled)': s.equivalent,
      'static (not run)': s.static,
    };
  });
  console.table(rows);
  const misses = scores.flatMap((s) => [
    ...(logicScore(s) < TARGETS.logic ? [`${s.folder}: logic ${logicScore(s).toFixed(1)} % < ${TARGETS.logic} %`] : []),
    ...(s.text.notRun === 0 && withTextScore(s) < TARGETS.withText
      ? [`${s.folder}: with text ${withTextScore(s).toFixed(1)} % < ${TARGETS.withText} %`]
      : []),
  ]);
  for (const miss of misses) console.log(`below target: ${miss}`);
  return misses.length === 0;
}

if (require.main === module) {
  const met = printScores();
  if (process.argv.includes('--gate') && !met) process.exitCode = 1;
}
