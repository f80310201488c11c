import { describe, expect, it } from 'vitest';
import { referenceRecord, referenceRecordJson, referenceRecords } from './records';

describe('referenceRecord', () => {
  it('should have the documented shape', () => {
    expect(referenceRecord(7, 1)).toEqual({
      id: 7,
      name: 'name-7-g1',
      value: expect.any(Number),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      nested: { a: expect.any(Number), b: expect.any(String) },
    });
  });

  it('should change every value but not the id when the generation changes', () => {
    for (const id of [1, 2, 99, 1000, 500_000]) {
      const first = referenceRecord(id, 1);
      const second = referenceRecord(id, 2);
      expect(second.id).toBe(first.id);
      expect(second.name).not.toBe(first.name);
      expect(second.value).not.toBe(first.value);
      expect(second.updated_at > first.updated_at).toBe(true);
      expect(second.nested.a).not.toBe(first.nested.a);
      expect(second.nested.b).not.toBe(first.nested.b);
    }
  });

  it('should make every generation-2 timestamp later than every generation-1 timestamp', () => {
    expect(referenceRecord(1, 2).updated_at > referenceRecord(500_000, 1).updated_at).toBe(true);
  });

  it('should produce values that are never whole numbers and integers for nested.a', () => {
    for (let id = 1; id <= 2000; id++) {
      const record = referenceRecord(id, 1);
      expect(Number.isInteger(record.value)).toBe(false);
      expect(Number.isInteger(record.nested.a)).toBe(true);
    }
  });

  it('should be deterministic', () => {
    expect(referenceRecord(4242, 3)).toEqual(referenceRecord(4242, 3));
  });
});

describe('referenceRecordJson', () => {
  it('should equal JSON.stringify of referenceRecord', () => {
    for (const generation of [0, 1, 2, 17]) {
      for (const id of [1, 2, 3, 10, 86_399, 86_400, 86_401, 123_457, 500_000]) {
        expect(referenceRecordJson(id, generation)).toBe(JSON.stringify(referenceRecord(id, generation)));
      }
    }
  });
});

describe('referenceRecords', () => {
  it('should yield ids 1..n in order for the given generation', () => {
    const records = [...referenceRecords(250, 2)];
    expect(records.map((record) => record.id)).toEqual(Array.from({ length: 250 }, (_, index) => index + 1));
    expect(records[9]).toEqual(referenceRecord(10, 2));
  });

  it('should default to generation 1 and yield nothing for n = 0', () => {
    expect([...referenceRecords(1)]).toEqual([referenceRecord(1, 1)]);
    expect([...referenceRecords(0)]).toEqual([]);
  });
});
