import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * .ci/install-java against stand-ins for apt-get, sudo, id and java: the script runs with a PATH
 * holding only those stubs and the real sed and head it uses, so it can neither reach the real
 * package manager nor lean on a command a fresh Debian image lacks.
 */

const SCRIPT = path.join(__dirname, '..', '..', '.ci', 'install-java');

/** A command's path on this machine's PATH (bash, sed, head, chmod: all Essential in Debian). */
function which(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found on PATH`);
}

interface Machine {
  /** Major version of the java already installed, if any. */
  readonly javaMajor?: number;
  /** Packages apt-get can install here, and the Java major version each brings. */
  readonly packages: Readonly<Record<string, number>>;
  readonly uid?: number;
}

const javaStub = (major: number) => `#!/bin/sh\necho 'openjdk version "${major}.0.2" 2024-01-16' >&2\n`;

function runInstallJava(machine: Machine) {
  const root = mkdtempSync(path.join(tmpdir(), 'install-java-'));
  try {
    const bin = path.join(root, 'bin');
    const log = path.join(root, 'calls.log');
    mkdirSync(bin);
    writeFileSync(log, '');
    for (const tool of ['sed', 'head']) symlinkSync(which(tool), path.join(bin, tool));
    const stub = (name: string, text: string) => writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    stub('id', `#!/bin/sh\necho ${machine.uid ?? 0}\n`);
    stub('sudo', '#!/bin/sh\necho "sudo $*" >> "$LOG"\nexec "$@"\n');
    const cases = Object.entries(machine.packages)
      .map(([name, major]) => `  ${name}) major=${major} ;;`)
      .join('\n');
    // apt-get "installs" a package by putting a java of its version on the PATH; an unknown
    // package fails as apt-get does (exit 100).
    stub(
      'apt-get',
      [
        '#!/bin/sh',
        'echo "apt-get $*" >> "$LOG"',
        '[ "$1" = update ] && exit 0',
        'for package; do :; done',
        'case "$package" in',
        cases,
        '  *) echo "E: Unable to locate package $package" >&2; exit 100 ;;',
        'esac',
        `printf '%s\\n' '#!/bin/sh' "echo 'openjdk version \\"$major.0.2\\" 2024-01-16' >&2" > "$BIN/java"`,
        '"$CHMOD" +x "$BIN/java"',
        '',
      ].join('\n'),
    );
    if (machine.javaMajor !== undefined) stub('java', javaStub(machine.javaMajor));
    const run = spawnSync(which('bash'), [SCRIPT], {
      env: { PATH: bin, LOG: log, BIN: bin, CHMOD: which('chmod') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return {
      status: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
      calls: readFileSync(log, 'utf8').trim().split('\n').filter(Boolean),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const INSTALL_FLAGS = 'install -y -qq --no-install-recommends';

describe('.ci/install-java', () => {
  test('Java 17 or newer already there: nothing installed', () => {
    const run = runInstallJava({ javaMajor: 21, packages: {} });
    expect(run).toMatchObject({ status: 0, calls: [] });
    expect(run.stdout).toContain('java 21 is installed');
  });

  test('no Java, a release with openjdk-17 (bookworm): installs openjdk-17-jre-headless', () => {
    const run = runInstallJava({ packages: { 'openjdk-17-jre-headless': 17, 'default-jre-headless': 17 } });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['apt-get update -qq', `apt-get ${INSTALL_FLAGS} openjdk-17-jre-headless`]);
    expect(run.stdout).toContain('java 17 installed from openjdk-17-jre-headless');
  });

  test('no Java, a release without openjdk-17 (trixie): falls back to default-jre-headless', () => {
    const run = runInstallJava({ packages: { 'default-jre-headless': 21 } });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      'apt-get update -qq',
      `apt-get ${INSTALL_FLAGS} openjdk-17-jre-headless`,
      `apt-get ${INSTALL_FLAGS} default-jre-headless`,
    ]);
    expect(run.stdout).toContain('java 21 installed from default-jre-headless');
  });

  test('Java 11 there, and the default JRE is 11 too (buster): fails saying Java 17 or newer is needed', () => {
    const run = runInstallJava({ javaMajor: 11, packages: { 'default-jre-headless': 11 } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error: default-jre-headless gave Java 11, but DynamoDB Local needs Java 17 or newer');
  });

  test('neither package installable: fails naming both', () => {
    const run = runInstallJava({ packages: {} });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error: apt-get could install neither openjdk-17-jre-headless nor default-jre-headless');
  });

  test('not root: apt-get runs under sudo', () => {
    const run = runInstallJava({ uid: 1000, packages: { 'default-jre-headless': 21 } });
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => call.startsWith('sudo'))).toEqual([
      'sudo apt-get update -qq',
      `sudo apt-get ${INSTALL_FLAGS} openjdk-17-jre-headless`,
      `sudo apt-get ${INSTALL_FLAGS} default-jre-headless`,
    ]);
  });
});
