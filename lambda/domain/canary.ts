/** A canary the drill wrote to a source table, as the drill history records it. */

export interface CanaryRecord {
  readonly tableName: string;
  readonly canaryId: string;
  readonly writtenAt: string;
}
