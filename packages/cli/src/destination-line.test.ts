import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDestination } from './destination';
import { describeDestinationTarget, earlyDestinationLine } from './destination-line';

let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'restsync-destination-line-'));
  const source = { client: { base_url: 'https://api.example.com' }, resources: ['items'] };
  await writeFile(join(cwd, 'plain.json'), JSON.stringify({ source }));
  await writeFile(
    join(cwd, 'server.json'),
    JSON.stringify({ destination: 'postgres://app:s3cret@db:5432/app', source }),
  );
  await writeFile(
    join(cwd, 'object.yaml'),
    'destination:\n  url: pglite:./data\nsource:\n  resources: [items]\n',
  );
  await writeFile(join(cwd, 'mongo.json'), JSON.stringify({ destination: 'mongodb://db/app', source }));
  await writeFile(join(cwd, 'code.ts'), 'export default { source: {} };\n');
  await writeFile(join(cwd, 'broken.json'), '{ "source": ');
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** The line the run writes once the config is fully checked, for comparison. */
function fullLine(file: unknown, flag?: string, env: Record<string, string> = {}): string {
  return describeDestinationTarget(
    resolveDestination({ ...(flag === undefined ? {} : { flag }), file, cwd, env }),
  );
}

describe('earlyDestinationLine', () => {
  it('should say what the full check says for every way a Postgres or PGlite destination is named', async () => {
    const env = { DATABASE_URL: 'postgresql://loader:pa55@127.0.0.1/warehouse' };
    const both = { RESTSYNC_DESTINATION: 'pglite:memory', ...env };
    const cases: Array<[string[], Record<string, string>, string]> = [
      [['run', 'plain.json'], {}, fullLine(undefined)],
      [['run', 'plain.json'], env, fullLine(undefined, undefined, env)],
      [['run', 'plain.json'], both, fullLine(undefined, undefined, both)],
      [['run', 'server.json', '--json'], env, fullLine('postgres://app:s3cret@db:5432/app')],
      [['run', 'object.yaml', '--verbose'], {}, fullLine({ url: 'pglite:./data' })],
      [['run', 'mongo.json', '--destination', 'pglite:./x'], {}, fullLine(undefined, 'pglite:./x')],
    ];
    for (const [argv, environment, expected] of cases) {
      expect(await earlyDestinationLine(argv, { cwd, env: environment }), argv.join(' ')).toBe(expected);
    }
  });

  it('should mask the password of a server URL', async () => {
    const line = await earlyDestinationLine(['run', 'server.json'], { cwd, env: {} });

    expect(line).toBe('connecting to postgres://app:***@db:5432/app (from the config file)');
  });

  it('should leave the line to the run for anything but a plain run into Postgres or PGlite', async () => {
    const unusual = [
      ['validate', 'plain.json'],
      ['run', 'plain.json', '--quiet'],
      ['run', 'plain.json', '--dry-run'],
      ['run', 'plain.json', '--wait', '30s'],
      ['run', 'plain.json', '--destination', ' '],
      ['run', 'plain.json', '--destination', 'mysql://db/app'],
      ['run', 'mongo.json'],
      ['run', 'code.ts'],
      ['run', 'broken.json'],
      ['run', 'missing.json'],
      ['run'],
    ];
    for (const argv of unusual) {
      expect(await earlyDestinationLine(argv, { cwd, env: {} }), argv.join(' ')).toBeUndefined();
    }
  });
});
