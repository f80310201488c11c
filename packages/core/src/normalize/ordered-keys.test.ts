import { describe, expect, it } from 'vitest';
import { orderedDistinct } from './ordered-keys';

describe('orderedDistinct', () => {
  it('proves numbers in strictly increasing or decreasing order distinct', () => {
    expect(orderedDistinct([1, 2, 5, 100])).toBe(true);
    expect(orderedDistinct([100, 5, 2, 1])).toBe(true);
    expect(orderedDistinct([])).toBe(true);
    expect(orderedDistinct([7])).toBe(true);
  });

  it('proves texts distinct in text order, and numeric texts in number order', () => {
    expect(orderedDistinct(['a', 'b', 'c'])).toBe(true);
    expect(orderedDistinct(['c', 'b', 'a'])).toBe(true);
    // Not in text order ('10' < '9'), but in number order.
    expect(orderedDistinct(['8', '9', '10', '11'])).toBe(true);
    expect(orderedDistinct(['11', '10', '9'])).toBe(true);
  });

  it('does not claim distinct when a value repeats or the order breaks', () => {
    expect(orderedDistinct([1, 2, 2, 3])).toBe(false);
    expect(orderedDistinct([1, 3, 2])).toBe(false);
    expect(orderedDistinct(['a', 'b', 'b'])).toBe(false);
    expect(orderedDistinct(['10', '9', '10'])).toBe(false);
    // 0 and -0 are one key (as text and in a Map).
    expect(orderedDistinct([0, -0])).toBe(false);
    expect(orderedDistinct([Number.NaN, Number.NaN])).toBe(false);
    expect(orderedDistinct([1, Number.NaN, 2])).toBe(false);
  });

  it('does not claim distinct for mixed or other types', () => {
    expect(orderedDistinct([1, '2', 3])).toBe(false);
    expect(orderedDistinct(['1', 2])).toBe(false);
    expect(orderedDistinct([true, false])).toBe(false);
    expect(orderedDistinct([1n, 2n])).toBe(false);
  });

  it('never calls two equal texts distinct through their numbers', () => {
    // Different spellings of one number are different texts: text order proves them distinct.
    expect(orderedDistinct(['1000', '1e3'])).toBe(true);
    // Blank texts read as 0: not in number order, and equal texts are caught by text order.
    expect(orderedDistinct(['', ' ', ''])).toBe(false);
    expect(orderedDistinct(['', ' '])).toBe(true);
  });
});
