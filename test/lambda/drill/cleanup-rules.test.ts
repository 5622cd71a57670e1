import type { RestoreJobFacts } from '../../../lambda/domain/drill-record';
import { deletionRefusal } from '../../../lambda/drill/cleanup';

/**
 * Every safety rule for deleting a table, one at a time: the copy is deleted only when all hold
 * (the delete itself, its waits and its failures are in the drill flow tests, handler.test.ts).
 */
const copy = 'restore-drill-orders-20261128t060000z-3fa9c1d2';
const config = {
  restoreTablePrefix: 'restore-drill-',
  tables: [{ tableName: 'orders', tableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders' }],
};
/** The restore job as the drill recorded it, creating `createdResourceArn` when given. */
const job = (createdResourceArn?: string): RestoreJobFacts => ({ restoreJobId: 'job-1', status: 'COMPLETED', createdResourceArn });
const drill = {
  restoredTableName: copy,
  restoreJobId: 'job-1' as string | undefined,
  restoreJob: job(`arn:aws:dynamodb:eu-west-1:111122223333:table/${copy}`) as RestoreJobFacts | undefined,
};

describe('deletionRefusal: the rules a table must meet before the drill deletes it', () => {
  test('Compliance: the copy this drill asked its restore job for, with the prefix, created by that job', () => {
    expect(deletionRefusal(config, drill, copy)).toBeUndefined();
  });

  test('Compliance: a job that reports no created resource yet', () => {
    expect(deletionRefusal(config, { ...drill, restoreJob: job() }, copy)).toBeUndefined();
    expect(deletionRefusal(config, { ...drill, restoreJob: undefined }, copy)).toBeUndefined();
  });

  test('Noncompliance 1: another table than this drill restored', () => {
    expect(deletionRefusal(config, drill, `${copy}-x`)).toBe(`${copy}-x is not this drill's restored copy`);
  });

  test('Noncompliance 2: a name without the restore-table prefix', () => {
    const unprefixed = { ...drill, restoredTableName: 'orders-copy' };
    expect(deletionRefusal(config, unprefixed, 'orders-copy')).toBe('orders-copy does not carry the prefix restore-drill-');
  });

  test('Noncompliance 3: a configured source table, even one with the prefix', () => {
    const sources = {
      ...config,
      tables: [...config.tables, { tableName: copy, tableArn: `arn:aws:dynamodb:eu-west-1:111122223333:table/${copy}` }],
    };
    expect(deletionRefusal(sources, drill, copy)).toBe(`${copy} is a source table`);
  });

  test('Noncompliance 4: no restore job of this drill', () => {
    expect(deletionRefusal(config, { ...drill, restoreJobId: undefined }, copy)).toBe(`no restore job of this drill created ${copy}`);
  });

  test('Noncompliance 5: the restore job created another table (a name that only ends the same is another table)', () => {
    const other = 'arn:aws:dynamodb:eu-west-1:111122223333:table/x-restore-drill-orders';
    expect(deletionRefusal(config, { ...drill, restoreJob: job(other) }, copy)).toBe(`restore job created ${other}, not ${copy}`);
    const suffix = `arn:aws:dynamodb:eu-west-1:111122223333:table/x${copy}`;
    expect(deletionRefusal(config, { ...drill, restoreJob: job(suffix) }, copy)).toBeDefined();
  });
});
