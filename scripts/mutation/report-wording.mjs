import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/**
 * A Stryker ignorer: which mutants only change words a person reads - a check's `summary`, a
 * cleanup `detail`, a log line, an error's message - and not what the engine decides. The report's
 * contract (verdicts, statuses, check names, the `numbers` keys and values, the `nextStep` advice,
 * the subject, early-failure labels, refusal reasons) is never matched here, so those mutants stay
 * in the score.
 *
 * Stryker ignores a matched node with everything inside it, so only expressions whose value goes
 * nowhere but into the text are matched: a `summary: ...` value, say, including a `${a - b}` in it,
 * which changes nothing but the summary. Status literals sit in their own properties beside it and
 * are not inside the matched node (the ignorer sees nodes, not lines, unlike a disable comment).
 *
 * Two plugins over one rule: `report-wording` ignores the text mutants (npm run test:mutation, the
 * logic score); `report-wording-recorder` runs them (npm run test:mutation -- --with-text) and
 * only notes where they are, so scripts/mutation/scores.ts can tell them apart in the report.
 */

/** Properties whose value is wording only. `why` is the reason a drill is handed over, logged. */
const TEXT_PROPERTIES = new Set(['summary', 'detail', 'why']);

/**
 * Variables that only ever end up in a summary, a log line or an error message (checks: summary,
 * inForce, since, seeded, parts; drill: what, why), when they are given words (isWording). Not the
 * canary's `lead`: how long before the recovery point the canary was written is time arithmetic
 * the summary states, and is tested.
 */
const TEXT_VARIABLES = new Set(['summary', 'parts', 'inForce', 'since', 'seeded', 'what', 'why']);

/**
 * Whether an initialiser can only be words: a string, a template, a choice between two of them, a
 * list of them, or a list `.join(...)`ed. The name alone is not enough: a scan's `summary` (its
 * counts), the `since` of a search window (a time) or a queue's `since` (a function) are logic.
 */
function isWording(node) {
  switch (node?.type) {
    case 'StringLiteral':
    case 'TemplateLiteral':
      return true;
    case 'ConditionalExpression':
      return isWording(node.consequent) && isWording(node.alternate);
    case 'ArrayExpression':
      return node.elements.every(isWording);
    case 'CallExpression':
      return node.callee.type === 'MemberExpression' && nameOf(node.callee.property) === 'join';
    default:
      return false;
  }
}

const LOG_METHODS = new Set(['debug', 'info', 'warn', 'error']);

/** Where the recorder notes the text ranges, one JSON line per matched node. */
export const TEXT_RANGES_FILE = 'reports/mutation/text-ranges.jsonl';

const nameOf = (node) => (node?.type === 'Identifier' ? node.name : node?.type === 'StringLiteral' ? node.value : undefined);

/** `log.info(...)`, `this.log.warn(...)`, `engine.logger.error(...)`, `logger.info(...)`. */
function isLogCall(callee) {
  if (callee?.type !== 'MemberExpression' || !LOG_METHODS.has(nameOf(callee.property))) return false;
  const target = callee.object;
  const targetName = target.type === 'MemberExpression' ? nameOf(target.property) : nameOf(target);
  return targetName === 'log' || targetName === 'logger';
}

/**
 * `new Error(...)`, `new ReportNotSentError(...)`, or `new NotOnFastPath(...)` where that class is
 * declared in the module as `extends Error` (or another `...Error`): every argument is message text.
 */
function isErrorConstructor(callee, nodePath) {
  const name = nameOf(callee) ?? '';
  if (/Error$/.test(name)) return true;
  const declaration = name ? nodePath.scope?.getBinding(name)?.path.node : undefined;
  return declaration?.type === 'ClassDeclaration' && /Error$/.test(nameOf(declaration.superClass) ?? '');
}

/** `parts.push(...)` on a text variable. */
const isTextPush = (callee) =>
  callee?.type === 'MemberExpression' && nameOf(callee.property) === 'push' && TEXT_VARIABLES.has(nameOf(callee.object));

/** Why this node's mutants are text-only, or undefined. */
export function textReason(nodePath) {
  const parent = nodePath.parentPath;
  if (!parent) return undefined;
  if (parent.isObjectProperty() && nodePath.key === 'value' && !parent.node.computed && TEXT_PROPERTIES.has(nameOf(parent.node.key))) {
    return `report wording: the ${nameOf(parent.node.key)} text`;
  }
  if (parent.isVariableDeclarator() && nodePath.key === 'init' && TEXT_VARIABLES.has(nameOf(parent.node.id)) && isWording(nodePath.node)) {
    return `report wording: ${nameOf(parent.node.id)}, which only goes into a summary, a log line or a message`;
  }
  if (nodePath.listKey === 'arguments' && parent.isCallExpression()) {
    if (isLogCall(parent.node.callee)) return 'report wording: a log line';
    if (isTextPush(parent.node.callee)) return 'report wording: a part of a summary';
  }
  if (nodePath.listKey === 'arguments' && parent.isNewExpression() && isErrorConstructor(parent.node.callee, parent)) {
    return 'report wording: an error message';
  }
  // `if (skipped) parts.push(...)`: the condition decides only whether a part of the summary is written.
  if (nodePath.isIfStatement() && !nodePath.node.alternate) {
    const only = nodePath.node.consequent;
    const call = only.type === 'ExpressionStatement' ? only.expression : undefined;
    if (call?.type === 'CallExpression' && (isTextPush(call.callee) || isLogCall(call.callee)))
      return 'report wording: a part of a summary';
  }
  return undefined;
}

function record(nodePath, reason) {
  const { loc } = nodePath.node;
  const fileName = nodePath.hub?.file?.opts?.filename;
  if (!loc || !fileName) return;
  mkdirSync(path.dirname(TEXT_RANGES_FILE), { recursive: true });
  const file = path.relative(process.cwd(), fileName).split(path.sep).join('/');
  // Babel: lines from 1, columns from 0; the report's columns count from 1.
  const range = { start: { line: loc.start.line, column: loc.start.column + 1 }, end: { line: loc.end.line, column: loc.end.column + 1 } };
  appendFileSync(TEXT_RANGES_FILE, `${JSON.stringify({ file, ...range, reason })}\n`);
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'report-wording', { shouldIgnore: (nodePath) => textReason(nodePath) }),
  declareValuePlugin(PluginKind.Ignore, 'report-wording-recorder', {
    shouldIgnore(nodePath) {
      const reason = textReason(nodePath);
      if (reason) record(nodePath, reason);
      return undefined;
    },
  }),
];
