/**
 * Whether no two of the values are equal, proved without a set: true when they are all numbers,
 * or all strings, in strictly increasing or strictly decreasing order. Strings are compared as
 * text, and also as numbers when every one is numeric, so ids `"9"`, `"10"` are ordered too (two
 * different numbers never come from the same text). APIs page in key order far more often than
 * not, so a page or batch of unique keys costs one pass and no allocation; false means "not
 * proved", and the caller dedupes with a map as before.
 *
 * @example orderedDistinct([1, 2, 5]) // true
 * @example orderedDistinct(['9', '10', '11']) // true
 * @example orderedDistinct([1, 3, 2]) // false (maybe distinct, not proved)
 */
export function orderedDistinct(values: ArrayLike<unknown>): boolean {
  const length = values.length;
  if (length < 2) return true;
  const first = values[0];
  if (typeof first === 'number') return numbersOrdered(values, length);
  if (typeof first === 'string') return stringsOrdered(values, length);
  return false;
}

function numbersOrdered(values: ArrayLike<unknown>, length: number): boolean {
  let increasing = true;
  let decreasing = true;
  let previous = values[0] as number;
  for (let index = 1; index < length; index++) {
    const value = values[index];
    if (typeof value !== 'number') return false;
    // NaN compares false both ways: neither order holds.
    if (!(value > previous)) increasing = false;
    if (!(value < previous)) decreasing = false;
    if (!increasing && !decreasing) return false;
    previous = value;
  }
  return true;
}

function stringsOrdered(values: ArrayLike<unknown>, length: number): boolean {
  let increasing = true;
  let decreasing = true;
  let numericIncreasing = true;
  let numericDecreasing = true;
  let previous = values[0] as string;
  let previousNumber = Number(previous);
  for (let index = 1; index < length; index++) {
    const value = values[index];
    if (typeof value !== 'string') return false;
    if (!(value > previous)) increasing = false;
    if (!(value < previous)) decreasing = false;
    // Texts with different numbers are different texts (whatever their spelling).
    const number = numericIncreasing || numericDecreasing ? Number(value) : Number.NaN;
    if (!(number > previousNumber)) numericIncreasing = false;
    if (!(number < previousNumber)) numericDecreasing = false;
    if (!increasing && !decreasing && !numericIncreasing && !numericDecreasing) return false;
    previous = value;
    previousNumber = number;
  }
  return true;
}
