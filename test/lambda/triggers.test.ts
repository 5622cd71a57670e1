import { parseTrigger } from '../../lambda/triggers';
import {
  DOCUMENTED_BACKUP_JOB_EVENTS,
  DOCUMENTED_RESTORE_JOB_EVENTS,
  DOCUMENTED_SCHEDULED_EVENT,
} from '../harness/events/documented-examples';

/** The engine's trigger schemas against AWS's published example events, verbatim. */
describe("parseTrigger on AWS's documented example events", () => {
  it("a scheduled rule's event starts a scheduled drill", () => {
    expect(parseTrigger(DOCUMENTED_SCHEDULED_EVENT)).toEqual({
      kind: 'schedule',
      eventId: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      time: new Date('2015-10-08T16:53:06Z'),
    });
  });

  it('a COMPLETED backup job (no recoveryPointArn in its detail) starts a drill of its resource', () => {
    expect(parseTrigger(DOCUMENTED_BACKUP_JOB_EVENTS.COMPLETED)).toEqual({
      kind: 'backup-completed',
      eventId: 'dafac799-9b88-0134-26b7-fef4d54a134f',
      time: new Date('2020-07-15T21:41:17Z'),
      resourceArn: 'arn:aws:service:us-west-2:1112233445566:resource-type/resource-id',
    });
  });

  it('a backup job CREATED is not a trigger', () => {
    expect(parseTrigger(DOCUMENTED_BACKUP_JOB_EVENTS.CREATED)).toMatchObject({ kind: 'ignored' });
  });

  it("a backup job FAILED is a failed-backup notice, with the job, the table, the vault and AWS's message", () => {
    const example = DOCUMENTED_BACKUP_JOB_EVENTS.FAILED;
    expect(parseTrigger(DOCUMENTED_BACKUP_JOB_EVENTS.FAILED)).toMatchObject({
      kind: 'backup-job-failed',
      job: {
        kind: 'backup',
        jobId: example.detail.backupJobId,
        state: 'FAILED',
        resourceArn: example.detail.resourceArn,
        statusMessage: example.detail.statusMessage,
      },
    });
  });

  it.each(['COMPLETED', 'FAILED', 'RUNNING', 'PENDING'] as const)(
    'a restore job %s event (status) resumes the drill that owns the job',
    (status) => {
      const example = DOCUMENTED_RESTORE_JOB_EVENTS[status];
      expect(parseTrigger(example)).toEqual({ kind: 'restore-job-changed', restoreJobId: example.detail.restoreJobId, status });
    },
  );

  it('a restore job CREATED event (state, not status) is not a trigger', () => {
    expect(parseTrigger(DOCUMENTED_RESTORE_JOB_EVENTS.CREATED)).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('(state CREATED)'),
    });
  });
});
