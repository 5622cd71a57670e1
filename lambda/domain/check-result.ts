/** What one check found: the line in the report, and the figures behind it. */

export type CheckStatus = 'PASS' | 'FAIL' | 'WARN';

export interface CheckResult {
  /** Short name shown in the report, e.g. "item count". */
  readonly check: string;
  readonly status: CheckStatus;
  /** One line a person reads in a glance, with the numbers. */
  readonly summary: string;
  /** What to do next, for FAIL and WARN. */
  readonly nextStep?: string;
  /** The figures behind the summary, for the JSON report and the audit record. */
  readonly numbers?: Readonly<Record<string, number | string | boolean>>;
  /** Read capacity the check consumed from the source table. */
  readonly sourceReadUnits?: number;
}
