import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../harness/app/synthesized-app';

/**
 * The library as a client gets it: `npm pack` (which builds it, prepack), then installed into a
 * fresh app with no network. npm finds every package in its cache by the integrity the project's
 * own lock file records, so the client's lock file is the project's production subtree plus the
 * packed tarball. aws-cdk-lib and constructs, the peer dependencies a client app already has, are
 * linked from this project's node_modules (a real client installs its own).
 */

const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];
/** aws-cdk-lib, constructs and what only they depend on: the client app's own, linked below. */
const PEER_TREE = /^node_modules\/(aws-cdk-lib|constructs|@aws-cdk\/)/;

interface LockEntry {
  version?: string;
  resolved?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  [field: string]: unknown;
}

export function packLibrary(destination: string): string {
  mkdirSync(destination, { recursive: true });
  const output = execFileSync('npm', ['pack', '--pack-destination', destination, '--json', ...NPM_QUIET], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // prepack's own output (tsc) may precede npm's JSON.
  const [{ filename }] = JSON.parse(output.slice(output.indexOf('[\n'))) as { filename: string }[];
  return path.join(destination, filename);
}

/** A fresh client app in `appDir`: its files copied from test/package/client-app, the tarball installed offline. */
export function installClientApp(tarball: string, appDir: string): void {
  cpSync(path.join(__dirname, 'client-app'), appDir, { recursive: true });
  const tarballName = path.basename(tarball);
  cpSync(tarball, path.join(appDir, tarballName));
  const packed = JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, any>;
  const dependencies = { [packed.name]: `file:${tarballName}` };
  const projectLock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const packages: Record<string, LockEntry> = { '': { name: 'client-app', version: '1.0.0', dependencies } };
  for (const [location, entry] of Object.entries(projectLock.packages)) {
    if (!location || entry.dev || entry.devOptional || entry.link || PEER_TREE.test(location)) continue;
    const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // npm leaves `resolved` out of entries from the default registry; without it an offline
    // install would need the registry's metadata to find the tarball.
    packages[location] = {
      ...entry,
      resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`,
    };
  }
  packages[`node_modules/${packed.name}`] = {
    version: packed.version,
    resolved: `file:${tarballName}`,
    integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
    dependencies: packed.dependencies,
    peerDependencies: packed.peerDependencies,
    bin: packed.bin,
    engines: packed.engines,
  };
  writeFileSync(
    path.join(appDir, 'package.json'),
    JSON.stringify({ name: 'client-app', version: '1.0.0', private: true, dependencies }, null, 2),
  );
  writeFileSync(
    path.join(appDir, 'package-lock.json'),
    JSON.stringify({ name: 'client-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  // --legacy-peer-deps: the peers are linked next, not installed.
  execFileSync('npm', ['ci', '--offline', '--legacy-peer-deps', '--ignore-scripts', ...NPM_QUIET], { cwd: appDir, stdio: 'pipe' });
  for (const peer of Object.keys(packed.peerDependencies ?? {})) {
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules', peer), path.join(appDir, 'node_modules', peer), 'dir');
  }
}
