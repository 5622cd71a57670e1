import { KEPT_UNTIL_TAG } from '../../../lambda/config';
import { FlowWorld, orderItems, PREFIX, scheduledEvent } from '../support/flow-world';

/**
 * keepFailedCopyHours: a FAILed drill's copy stays for investigation, tagged with its expiry,
 * named in the report with where it is and until when; the sweep of scheduled runs leaves it
 * alone (and does not call it a leftover) until then, and deletes it after.
 */

let world: FlowWorld;

beforeEach(() => {
  world = new FlowWorld();
  world.addSourceTable({ name: 'orders', items: orderItems(40) });
  world.addRecoveryPoint({ table: 'orders', ageMinutes: 180 });
});

const KEEP_HOURS = 24;
const loseOneItem = () => world.nextRestores({ mutateItems: (items) => items.slice(1) });

test('FAIL: the copy is kept, tagged with its expiry, and the report says where and until when', async () => {
  loseOneItem();
  const engine = world.engine({ keepFailedCopyHours: KEEP_HOURS });
  const started = world.clock.now();
  const summary = await world.invoke(scheduledEvent(), { engine });

  expect(summary.drills).toEqual([expect.objectContaining({ verdict: 'FAIL' })]);
  const [copy] = world.copiesLeft();
  expect(copy).toMatch(new RegExp(`^${PREFIX}orders-`));
  expect(world.deletedTables()).toEqual([]);
  const [report] = world.published();
  const keptUntil = report.json.cleanup.keptUntil as string;
  expect(Date.parse(keptUntil)).toBeGreaterThanOrEqual(started + KEEP_HOURS * 3_600_000);
  expect(Date.parse(keptUntil)).toBeLessThan(started + (KEEP_HOURS + 1) * 3_600_000);
  expect(world.dynamodb.tagsOf(copy)).toEqual({ [KEPT_UNTIL_TAG]: keptUntil });
  expect(report.json).toMatchObject({ cleanup: { result: 'kept', tableName: copy }, keptCopy: { tableName: copy, keptUntil } });
  expect(report.json.links.restoredCopy).toBe(
    `https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=${copy}`,
  );
  expect(report.email).toContain('Kept for investigation');
  expect(report.email).toMatch(new RegExp(`${copy} is kept until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC`));
  // A kept copy is not a cleanup failure: the subject names the failed checks only.
  expect(report.subject).toMatch(/ - item count$/);
});

test('PASS: deleted at once, as without the setting', async () => {
  const engine = world.engine({ keepFailedCopyHours: KEEP_HOURS });
  await world.invoke(scheduledEvent(), { engine });
  expect(world.published()[0].json.cleanup.result).toBe('deleted');
  expect(world.copiesLeft()).toEqual([]);
});

test('without the setting a FAILed copy is deleted at once and nothing is tagged', async () => {
  loseOneItem();
  await world.invoke(scheduledEvent());
  expect(world.published()[0].json.cleanup.result).toBe('deleted');
  expect(world.copiesLeft()).toEqual([]);
  expect(world.dynamodb.calls('tagTable')).toEqual([]);
});

test('the sweep leaves a kept copy alone until it expires (not a leftover), then deletes it', async () => {
  loseOneItem();
  const engine = world.engine({ keepFailedCopyHours: KEEP_HOURS });
  await world.invoke(scheduledEvent('2026-11-28T06:00:00Z'), { engine });
  const [copy] = world.copiesLeft();

  // The next day's run, before the expiry: the copy stays and is not reported as a leftover.
  world.clock.advance(KEEP_HOURS * 3_600_000 - 3_600_000);
  const before = await world.invoke(scheduledEvent('2026-11-29T05:00:00Z'), { engine });
  expect(before.leftoverCopies).toEqual([]);
  expect(world.copiesLeft()).toContain(copy);
  expect(world.deletedTables()).not.toContain(copy);

  // After the expiry: deleted by the sweep, which says it was a kept copy.
  world.clock.advance(2 * 3_600_000);
  const after = await world.invoke(scheduledEvent('2026-11-29T07:00:00Z'), { engine });
  expect(after.leftoverCopies).toEqual([expect.stringMatching(new RegExp(`^${copy}: deleted \\(kept for investigation until \\S+\\)$`))]);
  expect(world.deletedTables()).toContain(copy);
  expect(world.copiesLeft()).not.toContain(copy);
});

test('a copy that cannot be tagged is still kept: the history decides when it goes, the report says the tag is missing', async () => {
  loseOneItem();
  world.dynamodb.failNext(
    'tagTable',
    Object.assign(new Error('not authorized to perform: dynamodb:TagResource'), { name: 'AccessDeniedException' }),
  );
  await world.invoke(scheduledEvent(), { engine: world.engine({ keepFailedCopyHours: KEEP_HOURS }) });
  const [report] = world.published();
  expect(report.json.cleanup).toMatchObject({ result: 'kept', detail: expect.stringContaining(`not tagged ${KEPT_UNTIL_TAG}`) });
  expect(world.copiesLeft()).toHaveLength(1);
});
