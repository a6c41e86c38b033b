/** A version's text, one line per block (a table row per line), for a line diff between versions (jsdiff). */
import { diffLines, type ChangeObject } from 'diff';
import type { OfficialDocument } from '$contract/official-documents.ts';

export function documentLines(doc: OfficialDocument): string {
  const lines = [doc.typeName, doc.title];
  for (const block of doc.blocks) {
    if (block.kind === 'list') lines.push(...block.items.map((item) => `- ${item}`));
    else if (block.kind === 'table') lines.push(block.header.join(' | '), ...block.rows.map((row) => row.join(' | ')));
    else lines.push(block.text);
  }
  return `${lines.join('\n')}\n`;
}

export function versionDiff(from: OfficialDocument, to: OfficialDocument): ChangeObject<string>[] {
  return diffLines(documentLines(from), documentLines(to));
}
