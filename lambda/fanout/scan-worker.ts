import { TableDigest } from '../digest/table-digest';
import type { DynamoDbReader, ScannedItem, SegmentPosition } from '../ports/dynamodb-port';
import type { PartialScan as ContractPartialScan, JsonPosition, ScanGroupInput } from './contract';
import { keyFromJson, keyToJson } from './json-key';

/**
 * The fan-out's two steps (lib/constructs/scan-fan-out.ts): a worker scans a group of segments
 * of the restored copy and returns its partial result; the combiner adds partial results up and
 * groups what is left - the positions of workers that ran short of time - for the next round.
 * Partial results merge in any order (the digest is a sum, counts add), so the combined result
 * equals one scan of the whole table. Everything here is JSON: it travels in the execution's state.
 *
 * The checks' observers ride on it in worker.ts, which speaks the fan-out contract (contract.ts).
 */

export type { JsonPosition, ScanGroupInput } from './contract';

/** A worker's digest and counts (contract.ts's PartialScan without the checks' observers). */
export type PartialScan = Omit<ContractPartialScan, 'observers'>;

export interface CombineInput {
  readonly totals?: PartialScan;
  readonly partials: readonly PartialScan[];
  /** Segments per worker in the next round. */
  readonly segmentsPerWorker: number;
  readonly tableName: string;
  readonly pageItemLimit: number;
  /** Workers at once (the Map's MaxConcurrencyPath): from the copy's read capacity and the setting. */
  readonly maxConcurrency: number;
}

export interface CombinedScan {
  readonly totals: PartialScan;
  /** The next round's groups; empty when the whole table is read. */
  readonly groups: readonly ScanGroupInput[];
  readonly done: boolean;
  readonly tableName: string;
  readonly segmentsPerWorker: number;
  readonly pageItemLimit: number;
  readonly maxConcurrency: number;
}

/** Scans the group's segments until done or `hasTime()` says stop; the partial result says where it stopped. */
export async function scanGroup(
  input: ScanGroupInput,
  dynamodb: Pick<DynamoDbReader, 'scanScannedItems'>,
  hasTime: () => boolean,
  /** Each item after the digest has it: the checks' observers (worker.ts). */
  onItem?: (item: ScannedItem) => void,
): Promise<PartialScan> {
  const digest = new TableDigest();
  const positions: SegmentPosition[] = input.positions.map((p) => ({ ...p, startKey: p.startKey && keyFromJson(p.startKey) }));
  const summary = await dynamodb.scanScannedItems(
    input.tableName,
    { segments: positions[0]?.totalSegments ?? 1, positions, pageItemLimit: input.pageItemLimit || undefined, onPage: () => hasTime() },
    onItem
      ? (item) => {
          digest.addScanned(item);
          onItem(item);
        }
      : (item) => digest.addScanned(item),
  );
  return {
    digest: digest.toString(),
    items: digest.itemCount,
    readUnits: summary.consumedUnits,
    remaining: (summary.resumeAt ?? []).map((p) => ({
      segment: p.segment,
      totalSegments: p.totalSegments,
      startKey: p.startKey && keyToJson(p.startKey),
    })),
  };
}

export const EMPTY_PARTIAL: PartialScan = { digest: new TableDigest().toString(), items: 0, readUnits: 0, remaining: [] };

export function combine(input: CombineInput): CombinedScan {
  const digest = TableDigest.parse((input.totals ?? EMPTY_PARTIAL).digest);
  let readUnits = input.totals?.readUnits ?? 0;
  const remaining: JsonPosition[] = [];
  for (const partial of input.partials) {
    digest.merge(TableDigest.parse(partial.digest));
    readUnits += partial.readUnits;
    remaining.push(...partial.remaining);
  }
  return {
    totals: { digest: digest.toString(), items: digest.itemCount, readUnits, remaining: [] },
    groups: groupPositions(input.tableName, remaining, input.segmentsPerWorker, input.pageItemLimit),
    done: remaining.length === 0,
    tableName: input.tableName,
    segmentsPerWorker: input.segmentsPerWorker,
    pageItemLimit: input.pageItemLimit,
    maxConcurrency: input.maxConcurrency,
  };
}

/** The first round: segments 0..totalSegments-1 from the start, `segmentsPerWorker` to a worker. */
export function firstRound(
  tableName: string,
  totalSegments: number,
  segmentsPerWorker: number,
  maxConcurrency: number,
  pageItemLimit = 0,
): CombinedScan {
  const positions = Array.from({ length: totalSegments }, (_, segment) => ({ segment, totalSegments }));
  return {
    totals: EMPTY_PARTIAL,
    groups: groupPositions(tableName, positions, segmentsPerWorker, pageItemLimit),
    done: false,
    tableName,
    segmentsPerWorker,
    pageItemLimit,
    maxConcurrency,
  };
}

function groupPositions(tableName: string, positions: readonly JsonPosition[], perWorker: number, pageItemLimit: number): ScanGroupInput[] {
  const groups: ScanGroupInput[] = [];
  for (let i = 0; i < positions.length; i += Math.max(1, perWorker)) {
    groups.push({ tableName, positions: positions.slice(i, i + Math.max(1, perWorker)), pageItemLimit });
  }
  return groups;
}
