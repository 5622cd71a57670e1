import { explainError } from '../../../lambda/report/failure-advice';

/** An error as the AWS SDK throws one: a name and a message. */
const awsError = (name: string, message = `${name} message`) => Object.assign(new Error(message), { name });

describe('explainError: what failed, and what to do next, in one line', () => {
  test('access denied, for each call the drill makes: the permission to check', () => {
    expect(explainError('StartRestoreJob', awsError('AccessDeniedException', 'not authorized'))).toBe(
      'StartRestoreJob AccessDeniedException (not authorized): the Lambda role cannot start the restore or pass the restore role — check backup:StartRestoreJob and iam:PassRole (PassedToService backup.amazonaws.com) on the drill Lambda role',
    );
    expect(explainError('ListRecoveryPointsByBackupVault', awsError('AccessDenied'))).toContain(
      'check backup:ListRecoveryPointsByBackupVault on the vault and the vault access policy',
    );
    expect(explainError('DescribeRestoreJob', awsError('AuthorizationError'))).toContain('check backup:DescribeRestoreJob');
    expect(explainError('ListRestoreJobsByProtectedResource', awsError('AccessDeniedException'))).toContain(
      'check backup:ListRestoreJobsByProtectedResource',
    );
    expect(explainError('DeleteTable', awsError('AccessDeniedException'))).toContain('check dynamodb:DeleteTable on table/<prefix>*');
    expect(explainError('Publish', awsError('AuthorizationError'))).toContain(
      'check sns:Publish on the topic and kms:GenerateDataKey on its key',
    );
  });

  test('access denied to another call: the call named', () => {
    expect(explainError('DescribeKey', awsError('AccessDeniedException', 'no'))).toBe(
      'DescribeKey AccessDeniedException (no): check the drill Lambda role allows DescribeKey',
    );
  });

  test.each(['ResourceNotFoundException', 'NotFoundException', 'NotFound'])('%s: the resource is gone', (name) => {
    expect(explainError('DescribeTable', awsError(name, 'gone'))).toBe(
      `DescribeTable ${name} (gone): the resource is gone or was never there — check the vault, recovery point or table still exists`,
    );
  });

  test.each(['InvalidParameterValueException', 'InvalidRequestException'])('StartRestoreJob refused with %s: the request', (name) => {
    expect(explainError('StartRestoreJob', awsError(name, 'bad'))).toBe(
      `StartRestoreJob ${name} (bad): AWS Backup refused the restore request — check the recovery point is restorable and no table with the target name exists`,
    );
    expect(explainError('DescribeRestoreJob', awsError(name, 'bad'))).toContain('unexpected error');
  });

  test('StartRestoreJob failing otherwise gets the advice for that error, not the refused-request one', () => {
    expect(explainError('StartRestoreJob', awsError('ThrottlingException', 'slow down'))).toBe(
      'StartRestoreJob ThrottlingException (slow down): AWS kept throttling after the SDK retries — the account is busy; the next drill retries',
    );
  });

  test.each([
    ['ThrottlingException', 'AWS kept throttling after the SDK retries — the account is busy; the next drill retries'],
    [
      'LimitExceededException',
      'an AWS Backup limit was hit (about 50 concurrent restore jobs per account) — stagger drills or raise the quota',
    ],
    ['ServiceUnavailableException', 'the service was unavailable after the SDK retries — the next drill retries'],
    ['KMSAccessDeniedException', 'a KMS key denied access — check the key policy grants the role that made this call'],
  ])('%s: what it means', (name, advice) => {
    expect(explainError('Scan', awsError(name, 'm'))).toBe(`Scan ${name} (m): ${advice}`);
  });

  test('anything else: unexpected, see the logs', () => {
    expect(explainError('Scan', new TypeError('x is undefined'))).toBe(
      'Scan TypeError (x is undefined): unexpected error — see the drill Lambda logs for this drill id',
    );
  });

  test('the message on one line, at most 300 characters, left out when empty or only the name', () => {
    expect(explainError('Scan', awsError('Boom', '  line one\n\n  line two  '))).toBe(
      'Scan Boom (line one line two): unexpected error — see the drill Lambda logs for this drill id',
    );
    expect(explainError('Scan', awsError('Boom', 'y'.repeat(400)))).toContain(`(${'y'.repeat(300)}):`);
    expect(explainError('Scan', awsError('Boom', ''))).toBe('Scan Boom: unexpected error — see the drill Lambda logs for this drill id');
    expect(explainError('Scan', awsError('Boom', 'Boom'))).toBe(
      'Scan Boom: unexpected error — see the drill Lambda logs for this drill id',
    );
  });

  test('what is thrown need not be an Error', () => {
    expect(explainError('Scan', 'text thrown')).toBe(
      'Scan Error (text thrown): unexpected error — see the drill Lambda logs for this drill id',
    );
    expect(explainError('Scan', { name: 'ThrottlingException' })).toContain(
      'Scan ThrottlingException ([object Object]): AWS kept throttling',
    );
    expect(explainError('Scan', { name: 42 })).toContain('Scan Error (');
    expect(explainError('Scan', null)).toBe('Scan Error (null): unexpected error — see the drill Lambda logs for this drill id');
  });

  test('an error that carries its explanation (a failed drill step) is explained by it', () => {
    const carried = Object.assign(new Error('x'), { advice: 'DescribeTable AccessDeniedException: check it' });
    expect(explainError('drill', carried)).toBe('DescribeTable AccessDeniedException: check it');
    expect(explainError('Scan', Object.assign(new Error('x'), { name: 'Boom', advice: 42 }))).toContain('Scan Boom (x)');
    expect(explainError('Scan', { name: 'Boom', message: 'x', advice: 'not an Error: not trusted' })).toContain('Scan Boom');
  });
});
