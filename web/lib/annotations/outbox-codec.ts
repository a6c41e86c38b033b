/**
 * How the annotation outbox is stored: the shape of a change and of one tab's
 * entry in localStorage, and how an entry is read back. Reading never
 * throws: an entry another app version (or a broken write) left behind is
 * ignored, so one bad entry cannot stop a reader's queue.
 */
import type { AnnotationUpsert } from '$contract/annotations.ts';

export type OutboxOp = { type: 'upsert'; annotation: AnnotationUpsert } | { type: 'delete'; id: string };
/** `at`: when the change was made (ms, wall clock), to order changes of the same annotation across tabs. */
export type OutboxEntry = { seq: number; at: number; op: OutboxOp };

/** What one instance keeps in storage. `beat` 0: released (closed), adopt at once. */
export type TabRecord = {
  v: 2;
  beat: number;
  entries: OutboxEntry[];
  /** changes this tab sent while another tab still had an older change of the same id queued: id → at */
  sent: Record<string, number>;
};

/** The id an operation is about. */
export function opId(op: OutboxOp): string {
  return op.type === 'upsert' ? op.annotation.id : op.id;
}

export function writeRecord(record: TabRecord): string {
  return JSON.stringify(record);
}

/** A tab's stored entry; anything unreadable (another app version, a broken write) is ignored, not thrown. */
export function readRecord(text: string): TabRecord | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { v, beat, entries, sent } = parsed as { v?: unknown; beat?: unknown; entries?: unknown; sent?: unknown };
    if (v !== 2 || typeof beat !== 'number' || !Array.isArray(entries)) return null;
    const sentMap: Record<string, number> = {};
    if (typeof sent === 'object' && sent !== null) {
      for (const [id, at] of Object.entries(sent)) if (typeof at === 'number') sentMap[id] = at;
    }
    return { v: 2, beat, entries: entries.filter(isEntry), sent: sentMap };
  } catch {
    return null;
  }
}

/** The queue as stored before tabs had their own entries (an array under the shared key): a released entry, in its order. */
export function readLegacy(text: string): TabRecord | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return null;
    const entries = parsed
      .filter((value): value is Omit<OutboxEntry, 'at'> => isEntry({ ...(value as object), at: 0 }))
      .map((entry, index) => ({ seq: entry.seq, at: index, op: entry.op }));
    return { v: 2, beat: 0, entries, sent: {} };
  } catch {
    return null;
  }
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { seq, at, op } = value as { seq?: unknown; at?: unknown; op?: unknown };
  if (typeof seq !== 'number' || typeof at !== 'number' || typeof op !== 'object' || op === null) return false;
  const { type } = op as { type?: unknown };
  if (type === 'delete') return typeof (op as { id?: unknown }).id === 'string';
  if (type === 'upsert') {
    const annotation = (op as { annotation?: unknown }).annotation;
    return typeof annotation === 'object' && annotation !== null && typeof (annotation as { id?: unknown }).id === 'string';
  }
  return false;
}
