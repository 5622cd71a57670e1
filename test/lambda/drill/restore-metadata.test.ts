import { restoreMetadata } from '../../../lambda/drill/restore-metadata';

describe('restoreMetadata: what the drill asks StartRestoreJob for', () => {
  test('without a restore key: the AWS owned key, and a copy the drill may delete', () => {
    expect(restoreMetadata('restore-drill-orders-x')).toEqual({
      targetTableName: 'restore-drill-orders-x',
      encryptionType: 'Default',
      deletionProtection: 'false',
    });
  });

  test('with a restore key: that key, and still a copy the drill may delete', () => {
    const key = 'arn:aws:kms:eu-west-1:111122223333:key/1234';
    expect(restoreMetadata('restore-drill-orders-x', key)).toEqual({
      targetTableName: 'restore-drill-orders-x',
      encryptionType: 'KMS',
      kmsMasterKeyArn: key,
      deletionProtection: 'false',
    });
  });
});
