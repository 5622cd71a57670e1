import type { Stack } from 'aws-cdk-lib';
import { SettingsError } from '../settings';

/**
 * Lambda allows 4 KB of environment variables in total. Estimated with each reference (ARN,
 * generated name) counted at a generous resolved length.
 */
export function checkEnvironmentSize(stack: Stack, environment: Record<string, string>): void {
  const referenceLength = 100;
  const render = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const join = (node as Record<string, unknown> | null)?.['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(render).join(join[0] as string);
    return 'x'.repeat(referenceLength);
  };
  const size = Object.entries(environment).reduce((total, [name, value]) => total + name.length + render(stack.resolve(value)).length, 0);
  if (size > 4096) {
    throw new SettingsError(
      'tables',
      `the drill Lambda's environment would be about ${size} bytes, over Lambda's 4 KB limit`,
      'fewer drilled tables (or shorter names), or split them across several RestoreDrill constructs',
    );
  }
}
