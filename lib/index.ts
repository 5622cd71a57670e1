/**
 * restore-drill as a construct library: `import { RestoreDrill } from 'restore-drill'` in your own
 * CDK app, and write custom checks with `restore-drill/checks`.
 */
export { METRICS_NAMESPACE, RestoreDrill, type RestoreDrillProps, SERVICE_NAME } from './restore-drill';
export { RestoreDrillStack, type RestoreDrillStackProps } from './restore-drill-stack';
export {
  DEFAULT_SETTINGS,
  type DrillTableSetting,
  type ResolvedRestoreDrillSettings,
  type RestoreDrillSettings,
  SettingsError,
  resolveSettings,
  settingsFromContext,
} from './settings';
export type { FunctionCodeSource } from './constructs/node-function';
export type { DrilledTable, DrillTargets } from '../lambda/config';
