import { readFileSync } from 'node:fs';

/** Reads a file of the repository, given its path from the repository root. */
export function readRepositoryFile(path: string): string {
  return readFileSync(new URL(`../../../../../${path}`, import.meta.url), 'utf8');
}

/**
 * The fenced code blocks of a Markdown text whose info string names a file
 * (```` ```ts file=page-number-paginator.ts ````), in order, grouped by that file name.
 */
export function fileCodeBlocks(markdown: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  for (const match of markdown.matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)) {
    const [, file = '', code = ''] = match;
    blocks.set(file, [...(blocks.get(file) ?? []), code]);
  }
  return blocks;
}
