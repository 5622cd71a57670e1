import type { DrillRecord } from '../domain/drill-record';
import type { Engine } from './engine';
import { step } from '../errors/drill-step';
import type { DrillLogger } from '../observability';
import { drillMessage, type FinishedDrill } from '../report/drill-report';
import { explainError } from '../report/failure-advice';
import { reportTopics } from '../report/report-topics';
import { ReportNotSentError } from './drill-errors';
import type { DrillEnd } from './run-state';

/** Attempts at recording a publish once SNS has accepted it (each one is itself retried by the SDK). */
const RECORD_SENT_ATTEMPTS = 3;

interface Delivery {
  readonly engine: Pick<Engine, 'config' | 'notifier' | 'history' | 'clock'>;
  /** The invocation holding the drill's lease. */
  readonly owner: string;
  readonly log: DrillLogger;
  readonly drill: FinishedDrill;
}

/**
 * Sends the report to each of its topics (reportTopics), recording each publish in the history
 * before the next, and FINISHED with the last. SNS has no idempotent publish for a standard topic,
 * so delivery is at least once per topic: an invocation that dies after SNS accepted a message
 * but before the history says so leaves the drill REPORTING, and whoever picks it up sends that
 * message again - but only to the topics not yet recorded. The window is the one history write
 * right after each Publish returns, retried here before giving up, and every message carries the
 * drill id (message attribute, email body, JSON) so a subscriber can drop the repeat.
 */
export async function publishReport(delivery: Delivery): Promise<DrillEnd> {
  const { engine, owner, log, drill } = delivery;
  const { verdict } = drill.outcome;
  const message = drillMessage(drill, { logGroupName: engine.config.logGroupName });
  const publishedTo = [...(drill.publishedTo ?? [])];
  const pending = reportTopics(verdict, engine.config).filter((topic) => !publishedTo.includes(topic));
  if (publishedTo.length > 0) log.info('report already published to some topics; sending it to the others only', { publishedTo, pending });
  const finished = () => ({ status: 'FINISHED' as const, publishedTo, reportedAt: new Date(engine.clock.now()).toISOString() });
  if (pending.length === 0) {
    await recordPublished(delivery, finished());
    return { status: 'finished', verdict };
  }
  for (const [i, topic] of pending.entries()) {
    let messageId: string | undefined;
    try {
      messageId = await step('Publish', () => engine.notifier.publish(topic, message));
    } catch (error) {
      // The verdict, and any topic already sent to, is safe in the history record; give the lease
      // back so the Lambda retry sends the rest.
      await engine.history.release(drill.drillId, owner);
      const why = explainError('Publish', error);
      log.error('report not sent', { topic, publishedTo, error: why });
      throw new ReportNotSentError(`drill ${drill.drillId} (${drill.sourceTable}) ${verdict}: report not sent: ${why} (${topic} topic)`);
    }
    publishedTo.push(topic);
    const last = i === pending.length - 1;
    const recorded = await recordPublished(delivery, last ? finished() : { publishedTo });
    log.info('report published', { topic, messageId, verdict });
    if (!recorded && !last) {
      log.warn('the drill is no longer REPORTING: the invocation that moved it on sends the rest of the report');
      return { status: 'in-progress-elsewhere' };
    }
  }
  return { status: 'finished', verdict };
}

/**
 * Records a publish, conditioned on the drill still being REPORTING rather than on this
 * invocation's lease: once SNS has a message, that fact stands even if a slow Publish outlived
 * the lease. False when the drill is no longer REPORTING.
 */
async function recordPublished({ engine, owner, log, drill }: Delivery, fields: Partial<DrillRecord>): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.history.update(drill.drillId, fields, { ifStatus: 'REPORTING' });
    } catch (error) {
      if (attempt >= RECORD_SENT_ATTEMPTS) {
        log.error('report sent but not recorded as sent; the retry will send it again', {
          error: error as Error,
          publishedTo: fields.publishedTo,
        });
        await engine.history.release(drill.drillId, owner).catch(() => undefined);
        throw error;
      }
      await engine.clock.sleep(1_000 * 2 ** (attempt - 1));
    }
  }
}
