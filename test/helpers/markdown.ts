/**
 * Code samples of the docs, read from the Markdown itself, so that tests run exactly what a
 * reader copies and a sample cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * The fenced code blocks of a language under a heading of a doc (up to the next heading of the
 * same or a higher level), in order. Throws when there is none, so that a renamed heading or a
 * changed fence fails the test that reads it instead of testing nothing.
 */
export function codeBlocks(doc: string, heading: string, language: string): string[] {
  const lines = readFileSync(resolve(root, doc), 'utf8').split('\n');
  const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading);
  if (start === -1) throw new Error(`${doc} has no heading "${heading}"`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const blocks: string[] = [];
  let block: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    if (block === undefined && new RegExp(`^#{1,${level}} `).test(line)) break;
    if (block === undefined && line.trim() === `\`\`\`${language}`) block = [];
    else if (block !== undefined && line.trim() === '```') {
      blocks.push(`${block.join('\n')}\n`);
      block = undefined;
    } else block?.push(line);
  }
  if (blocks.length === 0) throw new Error(`${doc} has no \`\`\`${language} block under "${heading}"`);
  return blocks;
}
