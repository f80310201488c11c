import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmInstall, packPackages } from './cli-helpers/packed-packages';
import { repositoryRoot } from './cli-helpers/spawn-cli';

// docs/write-a-paginator.md as a paginator author meets it: in an empty folder outside the
// repository, the guide's package.json, tsconfig.json, src/index.ts and test, with @restsync/core
// and @restsync/testing installed from their packed tarballs and vitest from the registry.

const run = promisify(execFile);
const typescript = join(repositoryRoot, 'node_modules/typescript/bin/tsc');

/** The guide's code blocks whose info string names a file (```` ```ts file=… ````), by that name. */
function guideFiles(): Map<string, string> {
  const guide = readFileSync(join(repositoryRoot, 'docs/write-a-paginator.md'), 'utf8');
  const files = new Map<string, string>();
  for (const match of guide.matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)) {
    const [, file = '', code = ''] = match;
    files.set(file, (files.has(file) ? `${files.get(file)}\n` : '') + code);
  }
  return files;
}

function guideFile(files: Map<string, string>, name: string): string {
  const code = files.get(name);
  if (code === undefined) throw new Error(`docs/write-a-paginator.md has no \`\`\`… file=${name} block`);
  return code;
}

let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'restsync-paginator-guide-'));
  const files = guideFiles();
  const manifest = JSON.parse(guideFile(files, 'package.json')) as {
    devDependencies: Record<string, string>;
  };
  const tarballs = await packPackages(project, ['core', 'testing']);
  // The guide's ranges for @restsync/* become the tarballs, as the published versions would satisfy them.
  for (const name of Object.keys(tarballs)) {
    expect(manifest.devDependencies[name], `the guide's devDependencies name ${name}`).toBeDefined();
    manifest.devDependencies[name] = tarballs[name]!;
  }
  await npmInstall(project, manifest, tarballs);
  await writeFile(join(project, 'tsconfig.json'), guideFile(files, 'tsconfig.json'));
  await mkdir(join(project, 'src'));
  await writeFile(join(project, 'src/index.ts'), guideFile(files, 'page-number-paginator.ts'));
  await writeFile(
    join(project, 'src/page-number.test.ts'),
    `${guideFile(files, 'page-number-imports.ts')}\n${guideFile(files, 'page-number-example.test.ts')}`,
  );
}, 900_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('docs/write-a-paginator.md in a fresh project, from the packed tarballs', () => {
  it("should type-check the guide's package under its tsconfig", async () => {
    const result = await run(process.execPath, [typescript, '-p', 'tsconfig.json', '--noEmit'], {
      cwd: project,
    }).catch((error: { stdout?: string; stderr?: string }) => error);
    expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).toBe('');
  });

  it("should pass the guide's conformance test with vitest", async () => {
    const result = await run(
      process.execPath,
      [join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=verbose'],
      {
        cwd: project,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1' },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => error);
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    expect('code' in result ? result.code : 0, output).toBe(0);
    expect(output).toMatch(/Test Files\s+1 passed/);
    expect(output).toMatch(/page_number without a total/);
  });
});
