import { existsSync, statSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { CheckDefinition } from '../lambda/checks/check';
import { checksOfModule } from '../lambda/checks/custom/module-checks';
import { CUSTOM_CHECK_NAMES } from '../lambda/checks/custom';
import { SettingsError } from '../lambda/settings/setting';

/**
 * Custom checks from the user's own modules (the construct's `customCheckModules`), read at
 * synth so that a module that does not build, throws when loaded or exports no valid check is
 * refused before anything is deployed, and so that a table's `customChecks` can name them. The
 * drill function then bundles the same modules (lib/constructs/node-function.ts).
 */

const SETTING = 'customCheckModules';
const ACCEPTED =
  'absolute paths of .ts or .js modules that export checks from "restore-drill/checks" (e.g. `export default itemRuleCheck({...})`), each check name given once';

export interface CustomCheckModule {
  /** Absolute path of the module. */
  readonly path: string;
  /** Names of the checks it exports. */
  readonly checkNames: readonly string[];
}

/** Builds each module as esbuild will for the function, loads it and reads its checks; throws {@link SettingsError} on the first bad one. */
export function loadCustomCheckModules(modulePaths: readonly string[] = []): CustomCheckModule[] {
  const seen = new Map<string, string>(CUSTOM_CHECK_NAMES.map((name) => [name, 'lambda/checks/custom/index.ts']));
  return modulePaths.map((given) => {
    if (!path.isAbsolute(given)) throw new SettingsError(SETTING, `"${given}" is not an absolute path`, ACCEPTED);
    if (!existsSync(given) || !statSync(given).isFile()) throw new SettingsError(SETTING, `"${given}" is not a file`, ACCEPTED);
    let checks: CheckDefinition[];
    try {
      checks = checksOfModule(loadModule(given));
    } catch (error) {
      if (error instanceof SettingsError) throw error;
      throw new SettingsError(SETTING, `${given} is not a check module: ${firstLine(error)}`, ACCEPTED);
    }
    const checkNames = checks.map((check) => check.name);
    for (const name of checkNames) {
      const other = seen.get(name);
      if (other !== undefined) throw new SettingsError(SETTING, `${given} exports a check named "${name}", as ${other} does`, ACCEPTED);
      seen.set(name, given);
    }
    return { path: given, checkNames };
  });

  function loadModule(modulePath: string): Record<string, unknown> {
    let code: string;
    try {
      // Packages stay outside the build and load from the module's own node_modules (as in the
      // user's app); its own files, TypeScript included, are compiled in.
      const built = esbuild.buildSync({
        entryPoints: [modulePath],
        bundle: true,
        packages: 'external',
        platform: 'node',
        format: 'cjs',
        write: false,
        logLevel: 'silent',
      });
      code = built.outputFiles[0].text;
    } catch (error) {
      throw new SettingsError(SETTING, `${modulePath} does not build: ${firstLine(error)}`, ACCEPTED);
    }
    try {
      const loaded = new Module(modulePath);
      loaded.filename = modulePath;
      loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(modulePath));
      (loaded as unknown as { _compile(code: string, file: string): void })._compile(code, modulePath);
      return loaded.exports as Record<string, unknown>;
    } catch (error) {
      throw new SettingsError(SETTING, `${modulePath} throws when loaded: ${firstLine(error)}`, ACCEPTED);
    }
  }
}

/** Every check name the modules export. */
export function customCheckNames(modules: readonly CustomCheckModule[]): string[] {
  return modules.flatMap((module) => module.checkNames);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').slice(0, 3).join(' ').trim();
}
