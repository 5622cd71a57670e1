import type { DrillRecord } from '../domain/drill-record';
import { step } from '../errors/drill-step';
import type { DrillLogger } from '../observability';
import { explainError } from '../report/failure-advice';
import { copyNotDeletedMessage } from '../report/notices';
import { reportTopics } from '../report/report-topics';
import type { Engine } from './engine';
import { deletionIsFinal } from './restore-test';

/** How long a run waits for AWS Backup to finish deleting a restore test's copy before leaving it to the scheduled runs. */
export const DELETION_WATCH_MAX_MS = 60_000;

/**
 * Looks at a restore test's DeletionStatus until it is final or `waitMs` has passed. SUCCESSFUL
 * ends the watch; FAILED sends one FAIL message naming the copy (to the failure topic too) and
 * ends it; anything else leaves it to the next scheduled run. Never throws: the drill's own
 * report is already out, and the next run looks again.
 */
export async function checkCopyDeletion(engine: Engine, drill: DrillRecord, log: DrillLogger, waitMs: number): Promise<void> {
  const restoreJobId = drill.restoreJobId;
  const test = drill.restoreTest;
  if (!restoreJobId || !test) return;
  try {
    const until = engine.clock.now() + waitMs;
    let job = await step('DescribeRestoreJob', () => engine.backup.describeRestoreJob(restoreJobId));
    while (!deletionIsFinal(job.deletionStatus) && engine.clock.now() < until) {
      await engine.clock.sleep(Math.max(100, engine.config.wait.tablePollSeconds * 1000));
      job = await step('DescribeRestoreJob', () => engine.backup.describeRestoreJob(restoreJobId));
    }
    const at = new Date(engine.clock.now()).toISOString();
    const finalStatus = job.deletionStatus;
    if (finalStatus === undefined || !deletionIsFinal(finalStatus)) {
      log.info('restore test copy not deleted yet; the next scheduled run looks again', {
        restoreJobId,
        deletionStatus: job.deletionStatus ?? 'not started',
      });
      if (finalStatus) {
        await engine.history.update(drill.drillId, { restoreTest: { ...test, deletion: { status: finalStatus, at } } });
      }
      return;
    }
    const deletion = { status: finalStatus, message: job.deletionStatusMessage, at };
    if (deletion.status === 'FAILED' && test.deletion?.status !== 'FAILED') {
      // Recorded only once sent, so a run that dies in between sends it again (at least once, as reports).
      const message = copyNotDeletedMessage({
        drillId: drill.drillId,
        sourceTable: drill.sourceTable,
        restoredTableName: drill.restoredTableName,
        restoreJobId,
        planArn: test.planArn,
        deletionStatusMessage: deletion.message,
      });
      for (const topic of reportTopics('FAIL', engine.config)) await step('Publish', () => engine.notifier.publish(topic, message));
      log.error('AWS Backup failed to delete the restore test copy', { restoreJobId, copy: drill.restoredTableName, deletion });
    } else if (deletion.status === 'SUCCESSFUL') {
      log.info('AWS Backup deleted the restore test copy', { restoreJobId, copy: drill.restoredTableName });
    }
    await engine.history.update(drill.drillId, { restoreTest: { ...test, deletion } });
    await engine.history.watchDeletion(drill.drillId, false);
  } catch (error) {
    log.warn('could not check the restore test copy deletion; the next scheduled run looks again', {
      error: explainError('DescribeRestoreJob', error),
    });
  }
}

/** Every scheduled run: the restore tests whose copy has not been seen deleted yet, looked at once each. */
export async function watchRestoreTestDeletions(engine: Engine): Promise<string[]> {
  const seen: string[] = [];
  for (const drill of await engine.history.listDeletionWatches()) {
    const log = engine.logger.createChild({ persistentKeys: { drillId: drill.drillId, table: drill.sourceTable } });
    await checkCopyDeletion(engine, drill, log, 0);
    seen.push(drill.restoredTableName);
  }
  return seen;
}
