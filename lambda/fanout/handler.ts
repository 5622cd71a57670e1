import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { createDynamoDbPort } from '../ports/dynamodb-port';
import { type CombineInput, combine, type ScanGroupInput, scanGroup } from './scan-worker';

/**
 * The fan-out worker's Lambda handler: `scan` one group of segments, or `combine` partial
 * results (the state machine in lib/constructs/scan-fan-out.ts calls both). A worker stops
 * reading when less than RESERVE_MS of its invocation is left and hands its positions back.
 */
const RESERVE_MS = 60_000;
const dynamodb = createDynamoDbPort(new DynamoDBClient({}), (ms) => new Promise((resolve) => setTimeout(resolve, ms)));

export type FanOutEvent = ({ action: 'scan' } & { group: ScanGroupInput }) | ({ action: 'combine' } & CombineInput);

export async function handler(event: FanOutEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) {
  if (event.action === 'scan') return scanGroup(event.group, dynamodb, () => context.getRemainingTimeInMillis() > RESERVE_MS);
  return combine(event);
}
