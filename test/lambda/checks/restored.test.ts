import { restoredCheck } from '../../../lambda/checks/restored';
import { checkResult, RESTORED_TABLE } from './check-context';

const arnOf = (tableName: string) => `arn:aws:dynamodb:eu-west-1:111122223333:table/${tableName}`;

describe('restored: the job COMPLETED and left the ACTIVE table the drill asked for', () => {
  test('runs whenever a recovery point was restore-tested', () => {
    expect(restoredCheck).toMatchObject({ name: 'restored', needs: 'recovery-point' });
  });

  test('PASS: job COMPLETED, table ACTIVE', async () => {
    expect(await checkResult(restoredCheck)).toEqual({
      check: 'restored',
      status: 'PASS',
      summary: expect.any(String),
      numbers: { jobStatus: 'COMPLETED', tableStatus: 'ACTIVE' },
    });
  });

  test('PASS without the job creation date or the time the table was seen ACTIVE', async () => {
    expect(await checkResult(restoredCheck, { restoreJob: { creationDate: undefined } })).toMatchObject({ status: 'PASS' });
    expect(await checkResult(restoredCheck, { restoredActiveAt: undefined })).toMatchObject({ status: 'PASS' });
  });

  test('a FAILED job: FAIL, pointing at the restore role', async () => {
    const result = await checkResult(restoredCheck, {
      restoreJob: { status: 'FAILED', statusMessage: 'Access denied' },
      restored: 'missing',
    });
    expect(result).toMatchObject({ check: 'restored', status: 'FAIL', numbers: { jobStatus: 'FAILED' } });
    expect(result.nextStep).toContain('check the restore role (dynamodb:RestoreTableFromAwsBackup, KMS grants on the vault key)');
  });

  test('a FAILED job is reported as failed even when it names another table', async () => {
    const result = await checkResult(restoredCheck, { restoreJob: { status: 'FAILED', createdResourceArn: arnOf('someone-else') } });
    expect(result.nextStep).toContain('check the restore role');
  });

  test('an ABORTED job: FAIL, asking who stopped it', async () => {
    const result = await checkResult(restoredCheck, { restoreJob: { status: 'ABORTED' }, restored: 'missing' });
    expect(result).toMatchObject({ check: 'restored', status: 'FAIL', numbers: { jobStatus: 'ABORTED' } });
    expect(result.nextStep).toContain('find who or what stopped the job');
  });

  test('a job that created another table than the one asked for: FAIL, and the drill does not touch it', async () => {
    const result = await checkResult(restoredCheck, { restoreJob: { createdResourceArn: arnOf('orders-copy') } });
    expect(result).toMatchObject({ check: 'restored', status: 'FAIL', numbers: { jobStatus: 'COMPLETED' } });
    expect(result.nextStep).toContain('the drill did not touch the table it created');
  });

  test("a job naming the table asked for, or naming none, is the drill's", async () => {
    expect(await checkResult(restoredCheck, { restoreJob: { createdResourceArn: arnOf(RESTORED_TABLE) } })).toMatchObject({
      status: 'PASS',
    });
    expect(await checkResult(restoredCheck, { restoreJob: { createdResourceArn: undefined } })).toMatchObject({ status: 'PASS' });
  });

  test.each(['RUNNING', 'PENDING'] as const)('a job still %s: FAIL, a restore-drill bug', async (status) => {
    const result = await checkResult(restoredCheck, { restoreJob: { status } });
    expect(result).toMatchObject({ check: 'restored', status: 'FAIL', numbers: { jobStatus: status } });
    expect(result.nextStep).toContain('report this as a restore-drill bug');
  });

  test('a COMPLETED job without the table: FAIL, the table MISSING', async () => {
    const result = await checkResult(restoredCheck, { restored: 'missing' });
    expect(result).toMatchObject({ check: 'restored', status: 'FAIL', numbers: { jobStatus: 'COMPLETED', tableStatus: 'MISSING' } });
    expect(result.nextStep).toContain('look at the table in the DynamoDB console');
  });

  test('a COMPLETED job whose table is not ACTIVE yet: FAIL, naming its status', async () => {
    const result = await checkResult(restoredCheck, { restored: { status: 'CREATING' } });
    expect(result).toMatchObject({ check: 'restored', status: 'FAIL', numbers: { jobStatus: 'COMPLETED', tableStatus: 'CREATING' } });
  });
});
