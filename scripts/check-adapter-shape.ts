/**
 * Checks that every adapter package (packages/paginator-*, auth-*, destination-*, engine-*) has
 * the standard shape of docs/adding-an-adapter.md, and prints every deviation at once.
 *
 * Usage: tsx scripts/check-adapter-shape.ts [repository root] (run by `pnpm check:adapters`)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const adapterKinds = ['paginator', 'auth', 'destination', 'engine'] as const;

/** The conformance suite each kind's tests must call. Engines have no shared suite yet. */
const conformanceSuites: Record<(typeof adapterKinds)[number], string | undefined> = {
  paginator: 'testPaginatorConformance',
  auth: 'testAuthConformance',
  destination: 'testDestinationConformance',
  engine: undefined,
};

interface PackageJson {
  name?: string;
  peerDependencies?: Record<string, string>;
}

function testFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

/** Every problem with one adapter package, as readable sentences. */
export function checkAdapterPackage(directory: string, kind: (typeof adapterKinds)[number]): string[] {
  const problems: string[] = [];
  const has = (file: string) => existsSync(join(directory, file));
  if (!has('src/index.ts')) problems.push('has no src/index.ts');
  if (!has('README.md')) problems.push('has no README.md');
  else {
    const readme = readFileSync(join(directory, 'README.md'), 'utf8');
    if (!/^\|\s*Option/im.test(readme))
      problems.push('README.md has no options table (a "| Option …" header)');
  }
  if (!has('tsup.config.ts')) problems.push('has no tsup.config.ts');
  else if (!readFileSync(join(directory, 'tsup.config.ts'), 'utf8').includes('scripts/tsup-config')) {
    problems.push('tsup.config.ts does not use the shared helper in scripts/tsup-config.ts');
  }
  if (!has('package.json')) {
    problems.push('has no package.json');
    return problems;
  }
  const packageJson = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageJson;
  if (!packageJson.peerDependencies?.['@restsync/core']) {
    problems.push('package.json does not list @restsync/core as a peer dependency');
  }
  const suite = conformanceSuites[kind];
  if (suite && has('src')) {
    const callsSuite = testFiles(join(directory, 'src')).some((file) =>
      readFileSync(file, 'utf8').includes(`${suite}(`),
    );
    if (!callsSuite) problems.push(`no test file calls the ${kind} conformance suite (${suite})`);
  }
  return problems;
}

function main(root: string): number {
  const packagesDirectory = join(root, 'packages');
  let failures = 0;
  let checked = 0;
  for (const name of readdirSync(packagesDirectory).sort()) {
    const kind = adapterKinds.find((candidate) => name.startsWith(`${candidate}-`));
    if (!kind) continue;
    checked += 1;
    for (const problem of checkAdapterPackage(join(packagesDirectory, name), kind)) {
      failures += 1;
      console.error(`packages/${name}: ${problem}`);
    }
  }
  if (failures > 0) {
    console.error(`\n${failures} problem(s). See docs/adding-an-adapter.md for the standard adapter shape.`);
    return 1;
  }
  console.log(`adapter shape: ${checked} adapter packages have the standard shape`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = main(process.argv[2] ?? process.cwd());
}
