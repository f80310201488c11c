import { randomBytes } from 'node:crypto';

/** A unique, time-sortable load id: `<epoch ms>-<6 hex>`. */
export function createLoadId(now: number = Date.now()): string {
  return `${now}-${randomBytes(3).toString('hex')}`;
}
