import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Item, ScanFilter } from '../../../../lambda/ports/dynamodb-port';

/**
 * DynamoDB's FilterExpression, the part of its grammar the drill writes: comparisons
 * (= <> < <= > >=), AND, OR, NOT, parentheses, attribute_exists, attribute_not_exists and
 * begins_with, over #names and :values. Anything else throws, so a new filter in the engine fails
 * here loudly instead of being read another way than DynamoDB reads it. The DynamoDB contract test
 * runs the same filters on DynamoDB Local: `<>` is true for a missing attribute and for a value
 * of another type, the ordering comparisons are false for either.
 */

type Operand = { readonly value: AttributeValue | undefined };
type Condition = (item: Item) => boolean;

const TOKEN = /\s*(<>|<=|>=|=|<|>|\(|\)|,|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(expression);
    if (!match) throw new Error(`the in-memory DynamoDB cannot read the filter "${expression}" at ${TOKEN.lastIndex}`);
    tokens.push(match[1]);
  }
  return tokens;
}

const canonical = (value: AttributeValue) => JSON.stringify(value, Object.keys(value).sort());

function typeOf(value: AttributeValue): string {
  return Object.keys(value).find((key) => (value as unknown as Record<string, unknown>)[key] !== undefined) ?? '';
}

function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (!a || !b || typeOf(a) !== typeOf(b)) return false;
  if (a.N !== undefined && b.N !== undefined) return Number(a.N) === Number(b.N);
  return canonical(a) === canonical(b);
}

/** -1, 0 or 1 for two scalars of one type (S, N or B); undefined when DynamoDB would not compare them. */
function order(a: AttributeValue | undefined, b: AttributeValue | undefined): number | undefined {
  if (!a || !b || typeOf(a) !== typeOf(b)) return undefined;
  if (a.N !== undefined && b.N !== undefined) return Math.sign(Number(a.N) - Number(b.N));
  if (a.S !== undefined && b.S !== undefined) return Math.sign(Buffer.compare(Buffer.from(a.S), Buffer.from(b.S)));
  if (a.B !== undefined && b.B !== undefined) return Math.sign(Buffer.compare(Buffer.from(a.B), Buffer.from(b.B)));
  return undefined;
}

const ordered =
  (holds: (sign: number) => boolean) =>
  (a: AttributeValue | undefined, b: AttributeValue | undefined): boolean => {
    const sign = order(a, b);
    return sign !== undefined && holds(sign);
  };

const COMPARATORS: Record<string, (a: AttributeValue | undefined, b: AttributeValue | undefined) => boolean> = {
  '=': equal,
  '<>': (a, b) => !equal(a, b),
  '<': ordered((sign) => sign < 0),
  '<=': ordered((sign) => sign <= 0),
  '>': ordered((sign) => sign > 0),
  '>=': ordered((sign) => sign >= 0),
};

/** The filter as a predicate over items. */
export function compileFilter(filter: ScanFilter): Condition {
  const tokens = tokenize(filter.expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token.toUpperCase() !== expected)) {
      throw new Error(`the in-memory DynamoDB cannot read the filter "${filter.expression}": expected ${expected ?? 'more'}`);
    }
    return token;
  };
  const nameOf = (token: string) => {
    if (!token.startsWith('#')) return token;
    const name = filter.names[token];
    if (name === undefined) throw new Error(`filter "${filter.expression}" uses ${token}, which its names do not define`);
    return name;
  };
  const operand = (): ((item: Item) => Operand) => {
    const token = take();
    if (token.startsWith(':')) {
      const value = filter.values?.[token];
      if (value === undefined) throw new Error(`filter "${filter.expression}" uses ${token}, which its values do not define`);
      return () => ({ value });
    }
    const name = nameOf(token);
    return (item) => ({ value: item[name] });
  };
  const primary = (): Condition => {
    if (peek() === '(') {
      take('(');
      const inner = or();
      take(')');
      return inner;
    }
    const word = peek()?.toLowerCase();
    if (word === 'attribute_exists' || word === 'attribute_not_exists' || word === 'begins_with') {
      take();
      take('(');
      const path = operand();
      let prefix: ((item: Item) => Operand) | undefined;
      if (word === 'begins_with') {
        take(',');
        prefix = operand();
      }
      take(')');
      if (word === 'attribute_exists') return (item) => path(item).value !== undefined;
      if (word === 'attribute_not_exists') return (item) => path(item).value === undefined;
      return (item) => {
        const [value, start] = [path(item).value, prefix?.(item).value];
        return value?.S !== undefined && start?.S !== undefined && value.S.startsWith(start.S);
      };
    }
    const left = operand();
    const comparator = COMPARATORS[take()];
    if (!comparator) throw new Error(`the in-memory DynamoDB cannot read the filter "${filter.expression}": unknown comparator`);
    const right = operand();
    return (item) => comparator(left(item).value, right(item).value);
  };
  const not = (): Condition => {
    if (peek()?.toUpperCase() !== 'NOT') return primary();
    take('NOT');
    const inner = not();
    return (item) => !inner(item);
  };
  const and = (): Condition => {
    const parts = [not()];
    while (peek()?.toUpperCase() === 'AND') {
      take('AND');
      parts.push(not());
    }
    return (item) => parts.every((part) => part(item));
  };
  const or = (): Condition => {
    const parts = [and()];
    while (peek()?.toUpperCase() === 'OR') {
      take('OR');
      parts.push(and());
    }
    return (item) => parts.some((part) => part(item));
  };
  const condition = or();
  if (at !== tokens.length) throw new Error(`the in-memory DynamoDB cannot read the filter "${filter.expression}" past ${tokens[at]}`);
  return condition;
}
