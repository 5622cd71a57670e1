import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Template } from './intrinsics';
import type { SynthesizedApp } from './synthesized-app';

/**
 * A CloudFormation template file as the console deploys it (the console template of `npm run
 * template`): its parameters take their defaults or the values given, checked against their
 * constraints as CloudFormation does; its conditions are evaluated, resources whose condition is
 * false are left out, and Fn::If, Fn::FindInMap and parameter references are replaced by their
 * values. What remains references resources and pseudo parameters only, which the local
 * deployment resolves as for a synthesized app. Lambda code comes from the file itself
 * (`Code.ZipFile`): bundledFunction writes it to `index.js` in a work directory, as
 * CloudFormation writes it to the function's `index` file.
 */

type Parameter = {
  Type: string;
  Default?: string | number;
  AllowedValues?: string[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
};

export interface TemplateFile {
  readonly Parameters?: Record<string, Parameter>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, unknown>;
  readonly Resources: Template['Resources'] & Record<string, { Condition?: string }>;
}

export interface TemplateFileOptions {
  /** The stack name the console user types. @default 'RestoreDrill' */
  readonly stackName?: string;
  /** Parameter values; the others take their defaults. */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** Removed by AWS::NoValue. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Reads a template file and instantiates it with its parameters (see the file comment). */
export function readTemplateFile(file: string, options: TemplateFileOptions = {}): SynthesizedApp {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as TemplateFile;
  return {
    cdkOut: mkdtempSync(path.join(tmpdir(), 'restore-drill-template-code-')),
    stackName: options.stackName ?? 'RestoreDrill',
    template: instantiateTemplate(raw, options.parameters ?? {}),
  };
}

/** The parameter values CloudFormation would accept, defaults filled in; a value it refuses throws. */
export function parameterValues(template: TemplateFile, given: Readonly<Record<string, string>>): Record<string, string> {
  const parameters = template.Parameters ?? {};
  for (const name of Object.keys(given)) if (!(name in parameters)) throw new Error(`the template has no parameter ${name}`);
  return Object.fromEntries(
    Object.entries(parameters).map(([name, parameter]) => {
      const value = given[name] ?? (parameter.Default === undefined ? undefined : String(parameter.Default));
      if (value === undefined) throw new Error(`parameter ${name} has no default and no value`);
      checkParameter(name, parameter, value);
      return [name, value];
    }),
  );
}

/** The constraints CloudFormation checks (user guide, Parameters: AllowedValues, AllowedPattern, lengths, values). */
function checkParameter(name: string, parameter: Parameter, value: string): void {
  const refuse = (why: string) => {
    throw new Error(`parameter ${name}: "${value}" ${why}`);
  };
  if (parameter.AllowedValues && !parameter.AllowedValues.includes(value)) refuse(`is not one of ${parameter.AllowedValues.join(', ')}`);
  if (parameter.Type === 'String') {
    // The pattern must match the entire value.
    if (parameter.AllowedPattern !== undefined && !new RegExp(`^(?:${parameter.AllowedPattern})$`).test(value))
      refuse(`does not match ${parameter.AllowedPattern}`);
    if (parameter.MaxLength !== undefined && value.length > parameter.MaxLength) refuse(`is longer than ${parameter.MaxLength}`);
    if (parameter.MinLength !== undefined && value.length < parameter.MinLength) refuse(`is shorter than ${parameter.MinLength}`);
  } else if (parameter.Type === 'Number') {
    const number = Number(value);
    if (value.trim() === '' || Number.isNaN(number)) refuse('is not a number');
    if (parameter.MinValue !== undefined && number < parameter.MinValue) refuse(`is below ${parameter.MinValue}`);
    if (parameter.MaxValue !== undefined && number > parameter.MaxValue) refuse(`is above ${parameter.MaxValue}`);
  } else {
    throw new Error(`parameter ${name}: type ${parameter.Type} is not supported by the harness`);
  }
}

/** The template with parameters, mappings and conditions applied (see the file comment). */
export function instantiateTemplate(template: TemplateFile, given: Readonly<Record<string, string>>): Template {
  const values = parameterValues(template, given);
  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    const known = conditions.get(name);
    if (known !== undefined) return known;
    const expression = template.Conditions?.[name];
    if (expression === undefined) throw new Error(`the template has no condition ${name}`);
    const result = evaluateCondition(expression);
    conditions.set(name, result);
    return result;
  };
  const evaluateCondition = (expression: unknown): boolean => {
    const [[key, argument]] = Object.entries(expression as Record<string, unknown>);
    const list = argument as unknown[];
    switch (key) {
      case 'Condition':
        return condition(argument as string);
      case 'Fn::Not':
        return !evaluateCondition(list[0]);
      case 'Fn::And':
        return list.every(evaluateCondition);
      case 'Fn::Or':
        return list.some(evaluateCondition);
      case 'Fn::Equals': {
        const [a, b] = list.map(apply);
        return JSON.stringify(a) === JSON.stringify(b);
      }
      default:
        throw new Error(`unsupported condition function ${key}`);
    }
  };
  const apply = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(apply).filter((each) => each !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, argument] = entries[0];
      if (key === 'Ref' && argument === 'AWS::NoValue') return NO_VALUE;
      if (key === 'Ref' && typeof argument === 'string' && argument in values) return values[argument];
      if (key === 'Fn::If') {
        const [name, whenTrue, whenFalse] = argument as [string, unknown, unknown];
        return apply(condition(name) ? whenTrue : whenFalse);
      }
      if (key === 'Fn::FindInMap') {
        const [map, first, second] = (argument as unknown[]).map(apply) as [string, string, string];
        const found = template.Mappings?.[map]?.[first]?.[second];
        if (found === undefined) throw new Error(`Fn::FindInMap: ${map} has no ${first}.${second}`);
        return found;
      }
    }
    return Object.fromEntries(entries.map(([key, each]) => [key, apply(each)]).filter(([, each]) => each !== NO_VALUE));
  };
  const resources = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Condition === undefined || condition(resource.Condition))
    .map(([logicalId, { Condition: _, ...resource }]) => [logicalId, apply(resource)]);
  return { Resources: Object.fromEntries(resources) as Template['Resources'] };
}
