import type { ColumnSchema } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { type LiveTable, planTableChanges } from './catalog';

const columns = (specs: Array<[string, ColumnSchema['type']]>): ColumnSchema[] =>
  specs.map(([name, type]) => ({ name, type, nullable: true }));

const live = (specs: Array<[string, string]>, uniqueKeys: string[][] = []): LiveTable => ({
  columns: new Map(specs),
  uniqueKeys,
});

describe('planTableChanges', () => {
  it('should create a missing table with quoted names, its primary key and a root id index', () => {
    const statements = planTableChanges(
      'ds',
      {
        name: 'orders__items',
        columns: columns([
          ['_restsync_id', 'text'],
          ['_restsync_root_id', 'text'],
          ['qty', 'bigint'],
        ]),
        uniqueKey: ['_restsync_id'],
        indexRootId: true,
      },
      undefined,
    );
    expect(statements).toEqual([
      'CREATE TABLE IF NOT EXISTS "ds"."orders__items" ("_restsync_id" text, "_restsync_root_id" text, "qty" bigint, PRIMARY KEY ("_restsync_id"))',
      'CREATE INDEX IF NOT EXISTS "orders__items__restsync_root_idx" ON "ds"."orders__items" ("_restsync_root_id")',
    ]);
  });

  it('should create a table with the fill factor of its layout, and leave an existing one as it is', () => {
    const layout = { name: 't', columns: columns([['id', 'bigint']]), uniqueKey: ['id'], fillfactor: 50 };
    expect(planTableChanges('ds', layout, undefined)).toEqual([
      'CREATE TABLE IF NOT EXISTS "ds"."t" ("id" bigint, PRIMARY KEY ("id")) WITH (fillfactor = 50)',
    ]);
    expect(planTableChanges('ds', layout, live([['id', 'bigint']], [['id']]))).toEqual([]);
  });

  it('should change nothing when the table already matches', () => {
    const layout = { name: 't', columns: columns([['id', 'bigint']]), uniqueKey: ['id'] };
    expect(planTableChanges('ds', layout, live([['id', 'bigint']], [['id']]))).toEqual([]);
  });

  it('should add new columns and widen bigint to double precision in one ALTER TABLE', () => {
    const layout = {
      name: 't',
      columns: columns([
        ['id', 'bigint'],
        ['amount', 'double'],
        ['note', 'text'],
      ]),
    };
    expect(
      planTableChanges(
        'ds',
        layout,
        live([
          ['id', 'bigint'],
          ['amount', 'bigint'],
        ]),
      ),
    ).toEqual([
      'ALTER TABLE "ds"."t" ALTER COLUMN "amount" TYPE double precision, ADD COLUMN IF NOT EXISTS "note" text',
    ]);
  });

  it('should accept narrower rows into wider columns (bigint into double, anything into text)', () => {
    const layout = {
      name: 't',
      columns: columns([
        ['amount', 'bigint'],
        ['label', 'json'],
      ]),
    };
    expect(
      planTableChanges(
        'ds',
        layout,
        live([
          ['amount', 'double precision'],
          ['label', 'text'],
        ]),
      ),
    ).toEqual([]);
  });

  it('should widen bigint to numeric for integers beyond 64 bits, and put bigint rows into numeric', () => {
    const layout = {
      name: 't',
      columns: columns([
        ['id', 'decimal'],
        ['count', 'bigint'],
      ]),
    };
    expect(
      planTableChanges(
        'ds',
        layout,
        live([
          ['id', 'bigint'],
          ['count', 'numeric'],
        ]),
      ),
    ).toEqual(['ALTER TABLE "ds"."t" ALTER COLUMN "id" TYPE numeric']);
  });

  it('should add a unique index when a merge key is missing', () => {
    const layout = { name: 't', columns: columns([['id', 'bigint']]), uniqueKey: ['id'] };
    expect(planTableChanges('ds', layout, live([['id', 'bigint']]))).toEqual([
      'CREATE UNIQUE INDEX IF NOT EXISTS "t__restsync_key" ON "ds"."t" ("id")',
    ]);
  });

  it('should refuse a type change it cannot apply, naming the column and the table', () => {
    const layout = { name: 't', columns: columns([['size', 'json']]) };
    expect(() => planTableChanges('ds', layout, live([['size', 'bigint']]))).toThrow(
      /Column "size" of table "ds"."t" is bigint in the database, but the rows now have type jsonb/,
    );
  });
});

describe('planTableChanges with hinted columns', () => {
  const hinted: ColumnSchema[] = [
    { name: 'total', type: 'decimal', nullable: false, precision: 12, scale: 2, hinted: true },
    { name: 'placed_at', type: 'timestamp', nullable: true, precision: 3, hinted: true },
    { name: 'day', type: 'date', nullable: true, hinted: true },
  ];

  it('should create numeric(p,s), timestamptz(p) and NOT NULL from the hints', () => {
    expect(planTableChanges('ds', { name: 'orders', columns: hinted }, undefined)).toEqual([
      'CREATE TABLE IF NOT EXISTS "ds"."orders" ("total" numeric(12,2) NOT NULL, "placed_at" timestamptz(3), "day" date)',
    ]);
  });

  it('should add a hinted column to an existing table as nullable, and accept the live types with modifiers', () => {
    const existing = live([
      ['placed_at', 'timestamp(3) with time zone'],
      ['day', 'date'],
    ]);
    expect(planTableChanges('ds', { name: 'orders', columns: hinted }, existing)).toEqual([
      'ALTER TABLE "ds"."orders" ADD COLUMN IF NOT EXISTS "total" numeric(12,2)',
    ]);
    expect(
      planTableChanges(
        'ds',
        { name: 'orders', columns: hinted },
        live([...existing.columns, ['total', 'numeric(12,2)']]),
      ),
    ).toEqual([]);
  });
});
