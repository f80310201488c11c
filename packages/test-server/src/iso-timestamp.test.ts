import { describe, expect, it } from 'vitest';
import { isoTimestampFromSeconds } from './iso-timestamp';

describe('isoTimestampFromSeconds', () => {
  it('should format exactly like Date.prototype.toISOString across days, months and years', () => {
    const start = Date.UTC(2023, 11, 30) / 1000;
    for (let seconds = start; seconds < start + 5 * 86_400; seconds += 997) {
      expect(isoTimestampFromSeconds(seconds)).toBe(new Date(seconds * 1000).toISOString());
    }
  });

  it('should give the right date when the day changes back and forth', () => {
    const day = Date.UTC(2024, 1, 28) / 1000;
    for (const seconds of [day, day + 86_400 * 2, day - 1, day + 86_400 - 1]) {
      expect(isoTimestampFromSeconds(seconds)).toBe(new Date(seconds * 1000).toISOString());
    }
  });
});
