import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './cli-helpers/spawn-cli';

// Every ```ts block of the README and the guides (docs/*.md) compiles as a user's own file would:
// against the built packages (dist types, as npm installs them), under the tsconfig `tsc --init`
// writes (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, nodenext, with Node's types
// added) and under plain strict + exactOptionalPropertyTypes. Needs `pnpm build` first.
// A block that is not a whole program (a fragment of a longer example) is marked by an HTML comment
// `<!-- snippet: fragment -->` on the line before it and is left out.

const run = promisify(execFile);
const typescript = createRequire(join(repositoryRoot, 'package.json')).resolve('typescript/bin/tsc');

interface Snippet {
  /** `README.md:42`: where the block starts. */
  origin: string;
  file: string;
  code: string;
}

function documents(): string[] {
  const docs = readdirSync(join(repositoryRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

function snippetsOf(path: string): Snippet[] {
  const text = readFileSync(join(repositoryRoot, path), 'utf8');
  const snippets: Snippet[] = [];
  for (const match of text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)) {
    const before = text.slice(0, match.index);
    const previousLine = before.trimEnd().split('\n').at(-1) ?? '';
    if (previousLine.includes('<!-- snippet: fragment -->')) continue;
    const line = before.split('\n').length;
    const file = `${path.replace(/[^a-z0-9]+/gi, '_')}_${line}.ts`;
    snippets.push({ origin: `${path}:${line}`, file, code: match[1] ?? '' });
  }
  return snippets;
}

const strictOptions = {
  module: 'nodenext',
  target: 'es2022',
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: true,
  types: ['node'],
  noEmit: true,
};

let project: string;
const snippets = documents().flatMap(snippetsOf);

beforeAll(async () => {
  // Inside the repository, so packages the snippets import beyond @restsync/* resolve from its node_modules.
  project = await mkdtemp(join(repositoryRoot, 'tests/integration/.doc-snippets-'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const scope = join(project, 'node_modules/@restsync');
  await mkdir(scope, { recursive: true });
  for (const name of readdirSync(join(repositoryRoot, 'packages'))) {
    if (existsSync(join(repositoryRoot, 'packages', name, 'package.json'))) {
      await symlink(join(repositoryRoot, 'packages', name), join(scope, name), 'dir');
    }
  }
  await mkdir(join(project, 'node_modules/@types'), { recursive: true });
  await symlink(
    join(repositoryRoot, 'node_modules/@types/node'),
    join(project, 'node_modules/@types/node'),
    'dir',
  );
  for (const snippet of snippets) await writeFile(join(project, snippet.file), snippet.code);
});

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

/** Compiles every snippet with `tsconfig` in the project; returns the errors, each with its document and line. */
async function compile(tsconfig: string): Promise<string[]> {
  await writeFile(join(project, 'tsconfig.json'), tsconfig);
  const result = await run(process.execPath, [typescript, '-p', project, '--noEmit', '--pretty', 'false'], {
    cwd: project,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
  const byFile = new Map(snippets.map((snippet) => [snippet.file, snippet]));
  return result.stdout
    .split('\n')
    .filter((line) => /error TS\d+/.test(line))
    .map((line) => {
      const location = /^(.+?)\((\d+),\d+\): (.*)$/.exec(line);
      const snippet = location ? byFile.get(relative(project, join(project, location[1] ?? ''))) : undefined;
      if (!location || !snippet) return line;
      const [documentPath, start] = snippet.origin.split(':');
      return `${documentPath}:${Number(start) + Number(location[2])}: ${location[3]}`;
    });
}

describe('documentation snippets', () => {
  it('should find the README example and the guides', () => {
    expect(snippets.some((snippet) => snippet.origin.startsWith('README.md:'))).toBe(true);
    expect(snippets.some((snippet) => snippet.origin.startsWith('docs/'))).toBe(true);
  });

  it('should compile under the tsconfig tsc --init writes (with Node types)', async () => {
    await run(process.execPath, [typescript, '--init'], { cwd: project });
    const generated = readFileSync(join(project, 'tsconfig.json'), 'utf8').replace(
      '"types": []',
      '"types": ["node"]',
    );
    expect(generated).toContain('"exactOptionalPropertyTypes": true');
    expect(await compile(generated)).toEqual([]);
  });

  it('should compile under strict with exactOptionalPropertyTypes', async () => {
    expect(await compile(JSON.stringify({ compilerOptions: strictOptions }))).toEqual([]);
  });
});

describe('package licenses', () => {
  it('should ship an MIT LICENSE in every published package', () => {
    for (const name of readdirSync(join(repositoryRoot, 'packages'))) {
      const directory = join(repositoryRoot, 'packages', name);
      if (!existsSync(join(directory, 'package.json'))) continue;
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
        private?: boolean;
        license?: string;
        files?: string[];
      };
      if (manifest.private) continue;
      expect(manifest.license, name).toBe('MIT');
      expect(readFileSync(join(directory, 'LICENSE'), 'utf8'), name).toMatch(/^MIT License/);
      expect(manifest.files, name).toContain('LICENSE');
    }
  });
});
