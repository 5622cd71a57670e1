import type { DeployTimeSettings } from './console-template';
import type { FunctionCodeSource } from './constructs/node-function';
import type { RestoreDrillSettings } from './settings';

/**
 * Props of {@link RestoreDrill}: the drill settings (each declared, with its default, in
 * lambda/settings/spec.ts) plus what only makes sense in code.
 */
export interface RestoreDrillProps extends RestoreDrillSettings {
  /**
   * Reserved concurrency of the drill Lambda (1-50), opt-in. Lambda refuses a reservation that
   * leaves the account fewer unreserved executions than its minimum (the PutFunctionConcurrency
   * API reference: at least 100; an account whose whole quota is lower, such as a new account at
   * 10, has a lower minimum and no room at all), so any reservation can make `cdk deploy` fail in
   * a small account. It is not needed to protect AWS: the engine holds its restores in flight to
   * `maxConcurrentRestores` (restore slots in the drill history, lambda/drill/restore-slots.ts)
   * across every invocation, under DynamoDB's 50 concurrent restores.
   * Reserve only in an account with room to spare, to keep other functions from starving the drill.
   * @default - no reservation: the drill shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;
  /**
   * Where the Lambda functions' code comes from: `asset` (uploaded by `cdk deploy`) or `inline`
   * (the esbuild bundle in the template, for a stack that deploys with no bootstrap, such as the
   * console template). With `inline` the fixture seeder answers CloudFormation itself.
   * @default 'asset'
   */
  readonly codeSource?: FunctionCodeSource;
  /**
   * Settings chosen at deploy time from CloudFormation parameters (the console template,
   * lib/console-template.ts): they take the place of the same settings in these props, which
   * then only give the parameters' defaults (checked at synth like any setting).
   * @default - every setting chosen at synth
   */
  readonly deployTime?: DeployTimeSettings;
  /**
   * Your own checks: absolute paths of modules (TypeScript or JavaScript) that export checks
   * written with `restore-drill/checks` (`itemRuleCheck`, or any `CheckDefinition`), as `default`
   * (one check or an array) or by name. Each is built and loaded at synth, so a module that does
   * not build, throws, or exports no valid check is refused then; the drill function bundles them.
   * A table runs a check when its `customChecks` names it.
   * @default - only the checks registered in lambda/checks/custom/index.ts
   */
  readonly customCheckModules?: readonly string[];
  /**
   * A CloudWatch dashboard of the drills (lib/constructs/dashboard.ts): per table the last
   * verdict and when it was last proven restorable, RTO and RPO against their targets, items
   * proven, drill duration, the alarms' states. Beyond CloudWatch's free dashboards it costs
   * about $3 a month.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * Stack outputs the `restore-drill` CLI finds the drill by (cli/deployment.ts):
   * `DrillFunctionName`, `HistoryTableName`, `DrilledTableArns`, `DrillLogGroupName`,
   * `RestoreRoleArn`, with exactly these logical IDs so `restore-drill --stack <your stack>`
   * works. One drill per stack can have them: by default the first drill of a stack gets them and
   * later ones do not; `true` insists (refused if another drill of the stack has them), `false`
   * leaves them out (for a stack that declares them itself, as RestoreDrillStack does).
   * @default - true for the first drill of a stack
   */
  readonly cliOutputs?: boolean;
}
