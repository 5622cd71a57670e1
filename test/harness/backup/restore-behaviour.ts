import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { createTableInputFrom, type Item } from '../dynamodb/table-operations';
import { reverseAttributeOrder, rewriteItemNumbers, type ItemRewrite } from '../dynamodb/item-rewrites';
import type { TableSnapshot } from './table-snapshot';

/** How a restore job ends. */
export type RestoreOutcome =
  | { readonly kind: 'complete' }
  /** FAILED with StatusMessage; optionally after creating the table and writing half the items. */
  | { readonly kind: 'fail'; readonly statusMessage?: string; readonly leavePartialTable?: boolean }
  /** ABORTED, as when someone stops the job; optionally leaving a partial table. */
  | { readonly kind: 'abort'; readonly statusMessage?: string; readonly leavePartialTable?: boolean };

/**
 * Changes to what a restore produces, each one a way a restore can be wrong that the drill's
 * checks must notice (or, for the last two, must not mistake for a difference).
 */
export type ContentMutation =
  /** Leave out items: the given keys, or else the last `count` items in key order. */
  | { readonly kind: 'dropItems'; readonly count?: number; readonly keys?: readonly Item[] }
  /** Set one attribute of one item (the given key, or the first item in key order) to another value. */
  | { readonly kind: 'changeAttribute'; readonly attribute: string; readonly key?: Item; readonly value?: AttributeValue }
  /** Add an item the source never had. */
  | { readonly kind: 'addItem'; readonly item: Item }
  /** Create the table without one GSI (the named one, or the first). */
  | { readonly kind: 'dropIndex'; readonly indexName?: string }
  /** Read numbers back in another textual form of the same value ("1.5" -> "1.50"). */
  | { readonly kind: 'rewriteNumbers' }
  /** Read items back with their attributes in another order. */
  | { readonly kind: 'shuffleAttributes' };

export interface RestoreBehaviour {
  /** Total time from StartRestoreJob to the final status (slow restores); default from the endpoint. */
  readonly durationMs?: number;
  readonly outcome?: RestoreOutcome;
  /** Stay RUNNING (table written) until the test calls releaseRestoreJob(id). */
  readonly stall?: boolean;
  /** After COMPLETED, the table still reports CREATING (and refuses item operations) this long. */
  readonly tableActiveLagMs?: number;
  readonly mutations?: readonly ContentMutation[];
}

/** What the restore will create: the table, the items to write, rewrites applied on read. */
export interface PreparedRestoreContent {
  readonly createTable: CreateTableCommandInput;
  readonly items: Item[];
  readonly readRewrites: ItemRewrite[];
  /** One line per mutation applied, naming the items and index affected, for test assertions. */
  readonly applied: string[];
}

export function prepareRestoreContent(
  snapshot: TableSnapshot,
  targetTableName: string,
  mutations: readonly ContentMutation[] = [],
): PreparedRestoreContent {
  const keyNames = (snapshot.description.KeySchema ?? []).map((key) => key.AttributeName!);
  const keyText = (item: Item) => JSON.stringify(keyNames.map((name) => item[name]));
  let items = structuredClone([...snapshot.items]).sort((a, b) => (keyText(a) < keyText(b) ? -1 : keyText(a) > keyText(b) ? 1 : 0));
  let createTable = createTableInputFrom(snapshot.description, targetTableName);
  const readRewrites: ItemRewrite[] = [];
  const applied: string[] = [];

  for (const mutation of mutations) {
    switch (mutation.kind) {
      case 'dropItems': {
        const dropped = mutation.keys
          ? new Set(mutation.keys.map(keyText))
          : new Set(items.slice(Math.max(0, items.length - (mutation.count ?? 1))).map(keyText));
        items = items.filter((item) => !dropped.has(keyText(item)));
        applied.push(`dropItems ${[...dropped].join(' ')}`);
        break;
      }
      case 'changeAttribute': {
        const target = mutation.key ? items.find((item) => keyText(item) === keyText(mutation.key!)) : items[0];
        if (!target) throw new Error(`changeAttribute: no item with key ${mutation.key ? keyText(mutation.key) : '(table is empty)'}`);
        target[mutation.attribute] = mutation.value ?? differentValue(target[mutation.attribute]);
        applied.push(`changeAttribute ${mutation.attribute} of ${keyText(target)}`);
        break;
      }
      case 'addItem':
        items.push(structuredClone(mutation.item));
        applied.push(`addItem ${keyText(mutation.item)}`);
        break;
      case 'dropIndex': {
        const { table, dropped } = withoutGlobalIndex(createTable, mutation.indexName);
        createTable = table;
        applied.push(`dropIndex ${dropped}`);
        break;
      }
      case 'rewriteNumbers':
        readRewrites.push(rewriteItemNumbers);
        applied.push('rewriteNumbers');
        break;
      case 'shuffleAttributes':
        readRewrites.push(reverseAttributeOrder);
        applied.push('shuffleAttributes');
        break;
    }
  }
  return { createTable, items, readRewrites, applied };
}

/** A value DynamoDB would not consider equal to `current`. */
function differentValue(current: AttributeValue | undefined): AttributeValue {
  if (current?.N !== undefined) return { N: String(Number(current.N) + 1) };
  if (current?.S !== undefined) return { S: `${current.S} (changed)` };
  if (current?.BOOL !== undefined) return { BOOL: !current.BOOL };
  return { S: 'changed by the local harness' };
}

/** Removes a GSI and any attribute definition only it used (DynamoDB rejects unused definitions). */
function withoutGlobalIndex(input: CreateTableCommandInput, indexName?: string): { table: CreateTableCommandInput; dropped: string } {
  const indexes = input.GlobalSecondaryIndexes ?? [];
  const victim = indexName ? indexes.find((index) => index.IndexName === indexName) : indexes[0];
  if (!victim) throw new Error(`dropIndex: no GSI ${indexName ?? '(table has none)'}`);
  const remaining = indexes.filter((index) => index !== victim);
  const usedAttributes = new Set(
    [
      input.KeySchema ?? [],
      ...remaining.map((index) => index.KeySchema ?? []),
      ...(input.LocalSecondaryIndexes ?? []).map((index) => index.KeySchema ?? []),
    ]
      .flat()
      .map((key) => key.AttributeName),
  );
  return {
    table: {
      ...input,
      GlobalSecondaryIndexes: remaining.length ? remaining : undefined,
      AttributeDefinitions: input.AttributeDefinitions?.filter((definition) => usedAttributes.has(definition.AttributeName)),
    },
    dropped: victim.IndexName!,
  };
}
