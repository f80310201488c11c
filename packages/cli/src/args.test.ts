import { describe, expect, it } from 'vitest';
import { CommandLineError, parseCommand, wantsJson } from './args';

function failure(argv: string[]): string {
  try {
    parseCommand(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CommandLineError);
    return (error as CommandLineError).issues[0]?.message ?? '';
  }
  throw new Error('expected a CommandLineError');
}

describe('parseCommand', () => {
  it('should parse run with its config and every option', () => {
    expect(
      parseCommand(['run', 'sync.json', '--destination', 'postgres://db/x', '--dataset', 'raw', '--json']),
    ).toEqual({
      kind: 'run',
      configPath: 'sync.json',
      destination: 'postgres://db/x',
      dataset: 'raw',
      json: true,
    });
  });

  it('should accept options before the command and --option=value', () => {
    expect(parseCommand(['--json', 'validate', '--dataset=raw', 'sync.yaml'])).toEqual({
      kind: 'validate',
      configPath: 'sync.yaml',
      dataset: 'raw',
      json: true,
    });
  });

  it('should leave out options that were not given', () => {
    expect(parseCommand(['run', 'sync.json'])).toEqual({ kind: 'run', configPath: 'sync.json', json: false });
  });

  it('should return help for --help, -h and the help command, and version for --version and -v', () => {
    expect(parseCommand(['--help'])).toEqual({ kind: 'help', requested: true });
    expect(parseCommand(['run', 'sync.json', '-h'])).toEqual({ kind: 'help', requested: true });
    expect(parseCommand(['help'])).toEqual({ kind: 'help', requested: true });
    expect(parseCommand(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommand(['-v'])).toEqual({ kind: 'version' });
  });

  it('should return an unrequested help when no command is given', () => {
    expect(parseCommand([])).toEqual({ kind: 'help', requested: false });
  });

  it('should reject an unknown option with a did-you-mean hint', () => {
    expect(failure(['run', 'sync.json', '--destinaton', 'x'])).toBe(
      'unknown option "--destinaton"; did you mean "--destination"?',
    );
    expect(failure(['run', 'sync.json', '--frobnicate'])).toBe('unknown option "--frobnicate"');
  });

  it('should reject an unknown command with a did-you-mean hint', () => {
    expect(failure(['rn', 'sync.json'])).toBe('unknown command "rn"; did you mean "run"?');
    expect(failure(['deploy', 'sync.json'])).toMatch(
      /^unknown command "deploy" \(expected run, validate, check, runs, state, .*completion, help\)$/,
    );
  });

  it('should reject an option without its value', () => {
    expect(failure(['run', 'sync.json', '--dataset'])).toMatch(/^option "--dataset" needs a value/);
    expect(failure(['run', 'sync.json', '--dataset', ' '])).toBe(
      'option "--dataset" needs a non-empty value',
    );
  });

  it('should read --wait and --lease-ttl as durations in milliseconds', () => {
    expect(parseCommand(['run', 'sync.json', '--wait', '5m', '--lease-ttl=10s'])).toEqual({
      kind: 'run',
      configPath: 'sync.json',
      json: false,
      waitMs: 300_000,
      leaseTtlMs: 10_000,
    });
  });

  it('should reject a --wait that is not a duration', () => {
    expect(failure(['run', 'sync.json', '--wait', 'forever'])).toBe(
      'option "--wait" needs a duration such as 30s, 2m or 500ms, got "forever"',
    );
    expect(failure(['run', 'sync.json', '--wait'])).toBe('option "--wait" needs a value, e.g. --wait 5m');
  });

  it('should reject a value given to a flag', () => {
    expect(failure(['run', 'sync.json', '--json=yes'])).toBe('option "--json" takes no value');
  });

  it('should require the config file and refuse extra arguments', () => {
    expect(failure(['run'])).toBe('"restsync run" needs a config file, e.g. restsync run sync.json');
    expect(failure(['validate', 'a.json', 'b.json'])).toBe('unexpected argument "b.json"');
  });
});

describe('parseCommand: issue 17 options and commands', () => {
  it('should read --resource as a list, --dry-run, --limit-pages (which implies --dry-run), --verbose, --quiet and --otel', () => {
    expect(
      parseCommand(['run', 'sync.json', '--resource', 'issues, comments,issues', '--limit-pages', '2']),
    ).toEqual({
      kind: 'run',
      configPath: 'sync.json',
      json: false,
      resources: ['issues', 'comments'],
      dryRun: true,
      limitPages: 2,
    });
    expect(parseCommand(['run', 'sync.json', '--dry-run', '--verbose', '--otel'])).toMatchObject({
      dryRun: true,
      verbose: true,
      otel: true,
    });
    expect(parseCommand(['run', 'sync.json', '-q'])).toMatchObject({ quiet: true });
  });

  it('should refuse an empty resource name, a bad page count and --quiet with --verbose', () => {
    expect(failure(['run', 'sync.json', '--resource', 'a,,b'])).toMatch(
      /^option "--resource" needs resource names/,
    );
    expect(failure(['run', 'sync.json', '--limit-pages', '0'])).toBe(
      'option "--limit-pages" needs a whole number >= 1, e.g. --limit-pages 2, got "0"',
    );
    expect(failure(['run', 'sync.json', '--quiet', '--verbose'])).toBe(
      'options "--quiet" and "--verbose" cannot be used together',
    );
  });

  it('should parse check, runs, init, schema and completion', () => {
    expect(parseCommand(['check', 'sync.json', '--resource', 'a'])).toEqual({
      kind: 'check',
      configPath: 'sync.json',
      json: false,
      resources: ['a'],
    });
    expect(parseCommand(['runs', 'sync.json', '--limit', '5', '--json'])).toEqual({
      kind: 'runs',
      configPath: 'sync.json',
      json: true,
      limit: 5,
    });
    expect(parseCommand(['init'])).toEqual({ kind: 'init', force: false });
    expect(parseCommand(['init', 'project', '--force'])).toEqual({
      kind: 'init',
      directory: 'project',
      force: true,
    });
    expect(parseCommand(['schema'])).toEqual({ kind: 'schema' });
    expect(parseCommand(['completion', 'zsh'])).toEqual({ kind: 'completion', shell: 'zsh' });
    expect(failure(['completion', 'bsh'])).toMatch(/needs a shell: bash, zsh, fish.*did you mean "bash"\?/);
    expect(failure(['schema', 'extra'])).toBe('unexpected argument "extra"');
  });
});

describe('wantsJson', () => {
  it('should find --json even when the rest of the command line is wrong, but not after --', () => {
    expect(wantsJson(['run', '--bogus', '--json'])).toBe(true);
    expect(wantsJson(['run', 'x.json'])).toBe(false);
    expect(wantsJson(['run', '--', '--json'])).toBe(false);
  });
});
