import { BatchWriteItemCommand, DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { fixtureItems } from '../../lambda/fixture/fixture-items';
import { FIXTURE_GENERATOR_VERSION, isFixtureMarker, readFixtureMarker } from '../../lambda/fixture/fixture-marker';
import { cloudFormationHandler, handler } from '../../lambda/fixture/seed-handler';

const dynamodb = mockClient(DynamoDBClient);

const base = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
  ResponseURL: 'https://example.com',
  StackId: 'stack',
  RequestId: 'request',
  LogicalResourceId: 'FixtureSeed',
  ResourceType: 'Custom::RestoreDrillFixtureSeed',
};
const properties = (count: number) => ({
  ServiceToken: base.ServiceToken,
  TableName: 'RestoreDrill-fixture',
  PropertyCount: String(count),
  Digest: 'd',
});

function writeRequests(): WriteRequest[] {
  return dynamodb.commandCalls(BatchWriteItemCommand).flatMap((call) => call.args[0].input.RequestItems?.['RestoreDrill-fixture'] ?? []);
}

beforeEach(() => {
  dynamodb.reset();
  dynamodb.on(BatchWriteItemCommand).resolves({});
});

/** The version marker the seeder writes with the items (fixture-marker.ts), seeded at about `now`. */
function expectMarker(request: WriteRequest | undefined, propertyCount: number, now: number) {
  const item = request?.PutRequest?.Item;
  expect(item && isFixtureMarker(item)).toBe(true);
  expect(readFixtureMarker(item!)).toEqual({ propertyCount, generatorVersion: FIXTURE_GENERATOR_VERSION, seededAt: expect.any(String) });
  expect(Math.abs(Date.parse(item!.updatedAt.S!) - now)).toBeLessThan(60_000);
}

test('Create: every fixture item and the version marker, in batches of at most 25', async () => {
  const event = { ...base, RequestType: 'Create', ResourceProperties: properties(3) } as CloudFormationCustomResourceEvent;
  const result = await handler(event);
  const items = fixtureItems(3);
  expect(result).toEqual({ PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture', Data: { ItemCount: String(items.length) } });
  const requests = writeRequests();
  expect(requests.slice(0, items.length)).toEqual(items.map((item) => ({ PutRequest: { Item: item } })));
  expect(requests).toHaveLength(items.length + 1);
  expectMarker(requests.at(-1), 3, Date.now());
  for (const call of dynamodb.commandCalls(BatchWriteItemCommand)) {
    expect(call.args[0].input.RequestItems?.['RestoreDrill-fixture'].length).toBeLessThanOrEqual(25);
  }
});

test('Create: unprocessed items are retried until written', async () => {
  const items = fixtureItems(1);
  const throttled = [{ PutRequest: { Item: items[0] } }];
  dynamodb
    .on(BatchWriteItemCommand)
    .resolvesOnce({ UnprocessedItems: { 'RestoreDrill-fixture': throttled } })
    .resolves({});
  jest.useFakeTimers();
  try {
    const done = handler({ ...base, RequestType: 'Create', ResourceProperties: properties(1) } as CloudFormationCustomResourceEvent);
    await jest.runAllTimersAsync(); // the backoff before the retry
    await done;
  } finally {
    jest.useRealTimers();
  }
  const calls = dynamodb.commandCalls(BatchWriteItemCommand);
  expect(calls.length).toBe(Math.ceil(items.length / 25) + 1);
  expect(calls.at(-1)?.args[0].input.RequestItems?.['RestoreDrill-fixture']).toEqual(throttled);
});

test('Create: fails the deployment when items stay unprocessed', async () => {
  const stuck = [{ PutRequest: { Item: fixtureItems(1)[0] } }];
  dynamodb.on(BatchWriteItemCommand).resolves({ UnprocessedItems: { 'RestoreDrill-fixture': stuck } });
  jest.useFakeTimers();
  try {
    const outcome = expect(
      handler({ ...base, RequestType: 'Create', ResourceProperties: properties(1) } as CloudFormationCustomResourceEvent),
    ).rejects.toThrow(/still unprocessed after 8 attempts/);
    await jest.runAllTimersAsync(); // the backoff between attempts
    await outcome;
  } finally {
    jest.useRealTimers();
  }
});

test('Update to fewer properties: the surplus items are deleted', async () => {
  const event = {
    ...base,
    RequestType: 'Update',
    PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture',
    ResourceProperties: properties(2),
    OldResourceProperties: properties(3),
  } as CloudFormationCustomResourceEvent;
  await handler(event);
  const surplus = fixtureItems(3).slice(fixtureItems(2).length);
  const deletes = writeRequests().filter((request) => request.DeleteRequest);
  expect(deletes).toEqual(surplus.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })));
  const puts = writeRequests().filter((request) => request.PutRequest);
  expect(puts).toHaveLength(fixtureItems(2).length + 1);
  // The marker now names the new settings: later backups are compared with this fixture.
  expectMarker(puts.at(-1), 2, Date.now());
});

test('Delete: nothing is written', async () => {
  const event = {
    ...base,
    RequestType: 'Delete',
    PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture',
    ResourceProperties: properties(3),
  } as CloudFormationCustomResourceEvent;
  expect(await handler(event)).toEqual({ PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture' });
  expect(dynamodb.commandCalls(BatchWriteItemCommand)).toHaveLength(0);
});

describe("cloudFormationHandler: the console template's service token answers CloudFormation itself", () => {
  const context = { logStreamName: '2026/11/30/[$LATEST]abc', getRemainingTimeInMillis: () => 600_000 };
  let puts: { url: string; init: RequestInit }[];
  let status: number;

  beforeEach(() => {
    puts = [];
    status = 200;
    jest.spyOn(global, 'fetch').mockImplementation(async (url, init) => {
      puts.push({ url: String(url), init: init ?? {} });
      return new Response(null, { status });
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const answer = () => {
    expect(puts).toHaveLength(1);
    const [{ url, init }] = puts;
    expect(url).toBe(base.ResponseURL);
    // A presigned S3 PUT signed without a content type: none is sent.
    expect(init).toMatchObject({ method: 'PUT', headers: { 'content-type': '' } });
    const body = String(init.body);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4096);
    return JSON.parse(body) as Record<string, unknown>;
  };
  const identity = { StackId: base.StackId, RequestId: base.RequestId, LogicalResourceId: base.LogicalResourceId };

  test('Create: seeds, then answers SUCCESS with the physical id and data', async () => {
    await cloudFormationHandler(
      { ...base, RequestType: 'Create', ResourceProperties: properties(2) } as CloudFormationCustomResourceEvent,
      context,
    );
    expect(writeRequests()).toHaveLength(fixtureItems(2).length + 1);
    expect(answer()).toEqual({
      ...identity,
      Status: 'SUCCESS',
      PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture',
      Data: { ItemCount: String(fixtureItems(2).length) },
    });
  });

  test('Create that fails: still answers, FAILED with the reason and the log stream', async () => {
    dynamodb.on(BatchWriteItemCommand).rejects(new Error('AccessDeniedException: not authorized'));
    await cloudFormationHandler(
      { ...base, RequestType: 'Create', ResourceProperties: properties(1) } as CloudFormationCustomResourceEvent,
      context,
    );
    const response = answer();
    expect(response).toMatchObject({ ...identity, Status: 'FAILED', PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture' });
    expect(response.Reason).toMatch(/AccessDeniedException: not authorized.*2026\/11\/30/);
  });

  test('Update that fails keeps the physical id CloudFormation sent (a new one would read as a replacement)', async () => {
    dynamodb.on(BatchWriteItemCommand).rejects(new Error('throttled'));
    await cloudFormationHandler(
      {
        ...base,
        RequestType: 'Update',
        PhysicalResourceId: 'fixture-seed:old',
        ResourceProperties: properties(1),
        OldResourceProperties: properties(1),
      } as CloudFormationCustomResourceEvent,
      context,
    );
    expect(answer()).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'fixture-seed:old' });
  });

  test('Delete: answers SUCCESS with the same physical id, writing nothing', async () => {
    await cloudFormationHandler(
      {
        ...base,
        RequestType: 'Delete',
        PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture',
        ResourceProperties: properties(1),
      } as CloudFormationCustomResourceEvent,
      context,
    );
    expect(writeRequests()).toEqual([]);
    expect(answer()).toMatchObject({ ...identity, Status: 'SUCCESS', PhysicalResourceId: 'fixture-seed:RestoreDrill-fixture' });
  });

  test('work that would outlast the invocation is answered FAILED before Lambda stops it', async () => {
    dynamodb.on(BatchWriteItemCommand).callsFake(() => new Promise(() => {}));
    await cloudFormationHandler(
      { ...base, RequestType: 'Create', ResourceProperties: properties(1) } as CloudFormationCustomResourceEvent,
      {
        ...context,
        getRemainingTimeInMillis: () => 15_050,
      },
    );
    expect(answer()).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/still running with 15 s of the invocation left/) });
  });

  test('a response URL that refuses the answer fails the invocation (its log says so)', async () => {
    status = 403;
    await expect(
      cloudFormationHandler(
        { ...base, RequestType: 'Delete', PhysicalResourceId: 'p', ResourceProperties: properties(1) } as CloudFormationCustomResourceEvent,
        context,
      ),
    ).rejects.toThrow(/HTTP 403/);
  });
});
