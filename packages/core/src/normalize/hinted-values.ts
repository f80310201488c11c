import type { ColumnSchema } from '../contracts/schema';
import { accepts, isIsoDateTime } from './value-types';

const integerText = /^[+-]?\d{1,19}$/;
const numberText = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const naiveDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** Digits before the point of a decimal value (0 for |value| < 1). */
function integerDigits(value: number | bigint | string): number {
  if (typeof value === 'bigint') return value === 0n ? 0 : (value < 0n ? -value : value).toString().length;
  const number = typeof value === 'number' ? value : Number(value);
  const whole = Math.trunc(Math.abs(number));
  return whole === 0 ? 0 : BigInt(whole).toString().length;
}

/** Whether a decimal value fits `numeric(precision, scale)` (extra fraction digits are rounded, not lost). */
function fitsDecimal(column: ColumnSchema, value: unknown): boolean {
  if (column.precision === undefined) return true;
  if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'string') return false;
  return integerDigits(value) <= column.precision - (column.scale ?? 0);
}

/**
 * A value for a hinted column: the value itself when the column's type holds it, a converted
 * value when it converts without loss (dlt's coercions: a number to `text`, `"200"` to `bigint`, a
 * date-time without a zone to a UTC `timestamp`, a date-time to its UTC `date`, ...), or
 * `undefined` when it does not fit (the caller puts it into a variant column).
 */
export function hintedValue(column: ColumnSchema, value: unknown): unknown {
  const type = column.type;
  if (type === 'json') return value;
  if (accepts(type, value)) return type === 'decimal' && !fitsDecimal(column, value) ? undefined : value;
  switch (type) {
    case 'text':
      return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean'
        ? String(value)
        : undefined;
    case 'bigint': {
      if (typeof value !== 'string' || !integerText.test(value)) return undefined;
      const parsed = BigInt(value);
      if (parsed >= 2n ** 63n || parsed < -(2n ** 63n)) return undefined;
      const number = Number(parsed);
      return Number.isSafeInteger(number) ? number : parsed;
    }
    case 'double': {
      if (typeof value === 'bigint') return Number(value);
      if (typeof value !== 'string' || !numberText.test(value)) return undefined;
      return Number(value);
    }
    case 'bool':
      if (value === 'true') return true;
      if (value === 'false') return false;
      return undefined;
    case 'timestamp':
      if (typeof value === 'number' && Number.isFinite(value)) {
        const date = new Date(value * 1000);
        return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
      }
      if (typeof value !== 'string') return undefined;
      if (naiveDateTime.test(value) && isIsoDateTime(`${value}Z`)) return `${value}Z`;
      if (dateOnly.test(value) && isIsoDateTime(`${value}T00:00:00Z`)) return `${value}T00:00:00Z`;
      return undefined;
    case 'date':
      if (typeof value === 'string' && isIsoDateTime(value))
        return new Date(value).toISOString().slice(0, 10);
      return undefined;
    case 'decimal':
      return undefined;
  }
}
