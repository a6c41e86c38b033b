/**
 * Rebuilding a draft from the record: the facts are taken afresh, and the
 * secretary's narrative paragraphs (blocks without `source`) stay after the
 * fact they followed, so a rebuild never loses what she wrote.
 */
import type { DocumentBlock, OfficialDocument } from '../../contract/official-documents.ts';

export function rebuildKeepingNarrative(previous: OfficialDocument, fresh: OfficialDocument): OfficialDocument {
  // narrative runs keyed by the source of the fact before them ('' = the start), with the fresh doc's own narrative replaced
  const narrative = new Map<string, DocumentBlock[]>();
  let anchor = '';
  for (const block of previous.blocks) {
    if (block.source !== undefined) anchor = block.source;
    else narrative.set(anchor, [...(narrative.get(anchor) ?? []), block]);
  }
  const blocks: DocumentBlock[] = [];
  const placed = new Set<string>();
  const place = (key: string) => {
    if (placed.has(key)) return;
    placed.add(key);
    blocks.push(...(narrative.get(key) ?? []));
  };
  place('');
  let last = '';
  for (const block of fresh.blocks) {
    if (block.source === undefined) continue;
    // a run of facts with one source ends where another begins: the narrative that followed it goes there
    if (last !== '' && block.source !== last) place(last);
    blocks.push(block);
    last = block.source;
  }
  if (last !== '') place(last);
  // narrative anchored to a fact that is gone (an item removed) is kept at the end, never dropped
  for (const key of narrative.keys()) place(key);
  return { ...fresh, title: previous.title, place: previous.place, recipients: previous.recipients, signatures: previous.signatures, blocks };
}
