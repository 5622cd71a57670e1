import type { CheckRun } from '../checks/check';
import type { ScannedItem } from '../ports/dynamodb-port';

/**
 * What the shared scan does with each restored item: the drill's own items (canary, fixture
 * marker) to the checks that read them, every other item to each observing check. An item
 * becomes objects at most once, and only when a check asks for it as objects (`observeItem`, a
 * custom check's rule); the built-in checks read it as scanned (`observeScannedItem`).
 */
export function itemObserver(runs: readonly CheckRun[], isDrillItem: (item: ScannedItem) => boolean): (item: ScannedItem) => void {
  const scanned = runs.filter((run) => run.observeScannedItem);
  const asObjects = runs.filter((run) => run.observeItem);
  const drillItems = runs.filter((run) => run.observeDrillItem);
  return (item) => {
    if (isDrillItem(item)) {
      if (drillItems.length === 0) return;
      const objects = item.toItem();
      for (const run of drillItems) run.observeDrillItem?.(objects);
      return;
    }
    for (let k = 0; k < scanned.length; k++) scanned[k].observeScannedItem?.(item);
    if (asObjects.length === 0) return;
    const objects = item.toItem();
    for (let k = 0; k < asObjects.length; k++) asObjects[k].observeItem?.(objects);
  };
}
