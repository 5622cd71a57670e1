import { tableOutsideStack } from '../../../lambda/drill/table-environment';

const config = { topicArn: 'arn:aws:sns:eu-west-1:111122223333:restore-drill-reports' };
const table = (tableArn: string) => ({ tableName: 'orders', tableArn });

describe('tableOutsideStack: a table of another account or Region cannot be drilled from here', () => {
  test('Compliance: the stack account and Region', () => {
    expect(tableOutsideStack(table('arn:aws:dynamodb:eu-west-1:111122223333:table/orders'), config)).toBeUndefined();
  });

  test('Noncompliance 1: another account, naming both environments', () => {
    const why = tableOutsideStack(table('arn:aws:dynamodb:eu-west-1:444455556666:table/orders'), config);
    expect(why).toContain('account 444455556666, Region eu-west-1');
    expect(why).toContain('stack is in account 111122223333, Region eu-west-1');
  });

  test('Noncompliance 2: another Region', () => {
    expect(tableOutsideStack(table('arn:aws:dynamodb:us-east-1:111122223333:table/orders'), config)).toContain(
      'account 111122223333, Region us-east-1',
    );
  });

  test('not judged when either ARN lacks an account or a Region, or is no ARN', () => {
    expect(tableOutsideStack(table('arn:aws:dynamodb::111122223333:table/orders'), config)).toBeUndefined();
    expect(tableOutsideStack(table('arn:aws:dynamodb:us-east-1::table/orders'), config)).toBeUndefined();
    expect(tableOutsideStack(table('xrn:aws:dynamodb:us-east-1:444455556666:table/orders'), config)).toBeUndefined();
    expect(
      tableOutsideStack(table('arn:aws:dynamodb:us-east-1:444455556666:table/orders'), { topicArn: 'arn:aws:sns::111122223333:t' }),
    ).toBeUndefined();
  });
});
