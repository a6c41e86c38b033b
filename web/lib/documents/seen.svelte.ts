/**
 * Which version of each document this person last opened, kept in
 * localStorage per user (so a shared tablet does not mix readers). A document
 * whose current version is newer than the one last opened is flagged
 * "Tài liệu đã được cập nhật".
 */
import { browser } from '$app/environment';

const PREFIX = 'phs:seen-versions:';

export class SeenVersions {
  #userId = $state<string | null>(null);
  #versions = $state<Record<string, number>>({});

  /** Loads the record of one user (call when the session user is known). */
  use(userId: string | null): void {
    if (userId === this.#userId) return;
    this.#userId = userId;
    this.#versions = userId === null ? {} : read(userId);
  }

  /** The version last opened, or undefined if never opened here. */
  get(documentId: string): number | undefined {
    return this.#versions[documentId];
  }

  /**
   * Updated since the reader last looked: opened before at an older version,
   * or never opened although it already has later versions.
   */
  isUpdated(documentId: string, currentVersion: number): boolean {
    const seen = this.#versions[documentId];
    return seen === undefined ? currentVersion > 1 : seen < currentVersion;
  }

  /** Records that `version` was opened (never moves backwards: opening an old version keeps the newest seen). */
  markSeen(documentId: string, version: number): void {
    const previous = this.#versions[documentId];
    if (previous !== undefined && previous >= version) return;
    this.#versions = { ...this.#versions, [documentId]: version };
    if (browser && this.#userId !== null) {
      try {
        localStorage.setItem(PREFIX + this.#userId, JSON.stringify(this.#versions));
      } catch {
        // Storage full or disabled (private mode): the flag just shows again next time.
      }
    }
  }
}

function read(userId: string): Record<string, number> {
  if (!browser) return {};
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(PREFIX + userId) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, number> = {};
    for (const [key, value] of Object.entries(parsed)) if (typeof value === 'number' && Number.isInteger(value)) out[key] = value;
    return out;
  } catch {
    return {};
  }
}

export const seenVersions = new SeenVersions();
