import type { CheckDefinition } from './check';
import { itemCountCheck } from './item-count';
import { restoredCheck } from './restored';
import { rpoCheck } from './rpo';
import { rtoCheck } from './rto';
import { schemaCheck } from './schema';

/** Built-in checks, in report order. "restored" comes first: the others need its verdict. */
export const BUILT_IN_CHECKS: readonly CheckDefinition[] = [restoredCheck, rpoCheck, rtoCheck, schemaCheck, itemCountCheck];
