import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CUSTOM_CHECK_NAMES, CUSTOM_CHECKS } from '../../../../lambda/checks/custom';
import { polygonClosesCheck } from '../../../../lambda/checks/custom/polygon-closes';
import { fixtureItems } from '../../../../lambda/fixture/fixture-items';
import type { Item } from '../../../../lambda/ports/dynamodb-port';
import { checkResult } from '../check-context';
import { item } from '../in-memory-tables';

const vertex = (x: number | string, y: number | string): AttributeValue => ({ M: { x: { N: String(x) }, y: { N: String(y) } } });
const room = (n: number, polygon?: AttributeValue): Item => item(n, { type: { S: 'room' }, ...(polygon ? { polygon } : {}) });
const square = [vertex(0, 0), vertex(1, 0), vertex(1, 1), vertex(0, 1)];

describe('polygon-closes: every room polygon is a closed ring of at least four vertices', () => {
  test('registered as a custom check under its name', () => {
    expect(CUSTOM_CHECKS['polygon-closes']).toBe(polygonClosesCheck);
    expect(CUSTOM_CHECK_NAMES).toEqual(['polygon-closes']);
    expect(polygonClosesCheck).toMatchObject({ name: 'polygon-closes', needs: 'restored-table' });
  });

  test("PASS on the fixture's rooms, counting only rooms", async () => {
    const items = fixtureItems(1);
    const rooms = items.filter((found) => found.type.S === 'room').length;
    expect(await checkResult(polygonClosesCheck, { restoredItems: items })).toMatchObject({
      status: 'PASS',
      summary: `${rooms} items: every room polygon is a closed ring`,
      numbers: { checked: rooms, broken: 0 },
    });
  });

  test('four vertices, the last repeating the first (numbers equal as DynamoDB sees them), close a ring', async () => {
    const closed = { L: [vertex(0, 0), vertex(1, 0), vertex(1, 1), vertex('0.0', '0')] };
    expect(await checkResult(polygonClosesCheck, { restoredItems: [room(1, closed)] })).toMatchObject({
      status: 'PASS',
      numbers: { checked: 1 },
    });
  });

  test.each([
    ['no polygon', undefined, 'without a polygon list'],
    ['a polygon that is not a list', { S: 'square' }, 'without a polygon list'],
    ['three vertices', { L: [vertex(0, 0), vertex(1, 0), vertex(0, 0)] }, 'with fewer than 4 vertices'],
    ['a vertex without y', { L: [...square.slice(0, 3), { M: { x: { N: '0' } } }, vertex(0, 0)] }, 'with a vertex lacking numeric x/y'],
    ['a vertex without x', { L: [{ M: { y: { N: '0' } } }, ...square] }, 'with a vertex lacking numeric x/y'],
    [
      'a vertex that is not a map',
      { L: [vertex(0, 0), { L: [{ N: '1' }, { N: '0' }] }, vertex(1, 1), vertex(0, 1), vertex(0, 0)] },
      'with a vertex lacking numeric x/y',
    ],
    ['three vertices that would close', { L: [vertex(0, 0), vertex(1, 0), vertex(0, 0)] }, 'with fewer than 4 vertices'],
    ['an empty list', { L: [] }, 'with fewer than 4 vertices'],
    [
      'a text coordinate',
      { L: [vertex(0, 0), { M: { x: { S: '1' }, y: { N: '0' } } }, vertex(1, 1), vertex(0, 0)] },
      'with a vertex lacking numeric x/y',
    ],
    ['an open ring', { L: square }, 'with an open ring'],
  ])('FAIL: %s', async (_case, polygon, reason) => {
    const result = await checkResult(polygonClosesCheck, {
      restoredItems: [room(1, polygon as AttributeValue | undefined), room(2, { L: [...square, vertex(0, 0)] })],
    });
    expect(result).toMatchObject({ status: 'FAIL', numbers: { checked: 2, broken: 1 } });
    expect(result.summary).toContain(`(1 ${reason}): {pk=ITEM#1, sk=META}`);
    expect(result.nextStep).toContain('renderings from a recovery would be wrong');
  });

  test('applies to rooms only: items of another type or of none are not checked', async () => {
    const untyped = item(3, { polygon: { L: square } });
    const floor = item(4, { type: { S: 'floor' }, polygon: { S: 'none' } });
    expect(
      await checkResult(polygonClosesCheck, { restoredItems: [untyped, floor, room(5, { L: [...square, vertex(0, 0)] })] }),
    ).toMatchObject({
      status: 'PASS',
      numbers: { checked: 1, broken: 0 },
    });
  });

  test('a ring closes only when the last vertex is the first: the same vertex elsewhere does not', async () => {
    const closedEarly = { L: [vertex(0, 0), vertex(1, 0), vertex(0, 0), vertex(1, 1)] };
    expect(await checkResult(polygonClosesCheck, { restoredItems: [room(1, closedEarly)] })).toMatchObject({
      status: 'FAIL',
      numbers: { checked: 1, broken: 1 },
    });
  });
});
