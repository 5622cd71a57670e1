import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** An on-demand table keyed by string `pk` and `sk`: what the tests and benches create to read from (add `TableName`). */
export const PK_SK_SCHEMA: Omit<CreateTableCommandInput, 'TableName'> = {
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
};
