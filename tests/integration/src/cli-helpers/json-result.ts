import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonResult } from '@restsync/cli';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { repositoryRoot } from './spawn-cli';

const schema = JSON.parse(
  readFileSync(join(repositoryRoot, 'packages/cli/src/json-result.schema.json'), 'utf8'),
) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(schema);

/** Expects `result` to match the JSON Schema the CLI ships for `--json` (failing with the schema's errors); returns it typed. */
export function expectValidJsonResult(result: unknown): JsonResult {
  const valid = validate(result);
  expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
  expect(valid).toBe(true);
  return result as JsonResult;
}
