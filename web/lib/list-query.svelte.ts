/**
 * The state of a server-side list page (users, meetings): the search text
 * (sent after a pause in typing), the page offset, the rows of the page
 * shown and whether they are loading or failed. The page keeps its own
 * filters; its `fetch` reads them, so changing one fetches again. Each fetch
 * aborts the one before, and the address bar follows the list (replaceState:
 * reload and back keep the filters, with no history entry per keystroke).
 * Construct it while the page initialises: its effects live as long as the page.
 */
import { untrack } from 'svelte';
import { replaceState } from '$app/navigation';
import { page as current } from '$app/state';
import type { ResolvedPathname } from '$app/types';
import { errorMessage } from '$lib/api/client.ts';

const SEARCH_DELAY_MS = 300;

/** What one fetch asks for: the search text and the window of rows. */
export type ListWindow = { q: string; limit: number; offset: number };

export type ListQueryOptions<Row> = {
  /** the address's query when the page opened: `q` and `page` are read from it */
  initial: URLSearchParams;
  pageSize: number;
  /** fetches one page; reads the page's own filters (synchronously, so that a change fetches again) */
  fetch: (window: ListWindow, signal: AbortSignal) => Promise<{ rows: Row[]; total: number }>;
  /** the address that shows this state (`page` is undefined on the first page and when not paged) */
  address: (state: { q: string; page: number | undefined }) => ResolvedPathname;
  /** false while the list shows everything at once (the meetings' calendar): no paging */
  paged?: () => boolean;
};

export class ListQuery<Row> {
  /** what is in the search box */
  searchText = $state('');
  /** the search sent to the server: the box's text once typing pauses */
  q = $state('');
  offset = $state(0);
  rows = $state<Row[]>([]);
  total = $state(0);
  loading = $state(true);
  /** a page has arrived at least once (later fetches keep showing it, marked busy) */
  loaded = $state(false);
  loadError = $state<string | null>(null);
  readonly pageSize: number;

  #reloadKey = $state(0);
  readonly #options: ListQueryOptions<Row>;

  constructor(options: ListQueryOptions<Row>) {
    this.#options = options;
    this.pageSize = options.pageSize;
    this.searchText = options.initial.get('q') ?? '';
    this.q = this.searchText;
    this.offset = Math.max(0, (Number.parseInt(options.initial.get('page') ?? '1', 10) || 1) - 1) * options.pageSize;

    // Type, pause, search: the server matches names with or without diacritics.
    $effect(() => {
      const text = this.searchText.trim();
      const timer = setTimeout(() => {
        if (text !== this.q) {
          this.q = text;
          this.offset = 0;
        }
      }, SEARCH_DELAY_MS);
      return () => clearTimeout(timer);
    });

    $effect(() => this.#fetch());
  }

  #paged(): boolean {
    return this.#options.paged?.() ?? true;
  }

  #fetch(): () => void {
    const window = { q: this.q, limit: this.pageSize, offset: this.offset };
    void this.#reloadKey;
    const controller = new AbortController();
    untrack(() => {
      this.loading = true;
    });
    const paged = this.#paged();
    this.#options.fetch(window, controller.signal).then(
      (result) => {
        this.rows = result.rows;
        this.total = result.total;
        this.loadError = null;
        this.loaded = true;
        this.loading = false;
        // A page past the end (after a deactivation, say): step back.
        if (paged && result.rows.length === 0 && result.total > 0 && this.offset > 0) {
          this.offset = Math.max(0, (Math.ceil(result.total / this.pageSize) - 1) * this.pageSize);
        }
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        this.loadError = errorMessage(error);
        this.loading = false;
      },
    );
    untrack(() => this.#syncAddress(paged));
    return () => controller.abort();
  }

  #syncAddress(paged: boolean): void {
    const page = paged && this.offset > 0 ? Math.floor(this.offset / this.pageSize) + 1 : undefined;
    const target = this.#options.address({ q: this.q, page });
    if (target === `${current.url.pathname}${current.url.search}`) return;
    try {
      replaceState(target, {});
    } catch {
      // Before the router is ready (first render): the next change will sync.
    }
  }

  /** Fetches the page again (after a change the list may not show as it is). */
  reload(): void {
    this.#reloadKey += 1;
  }

  /** Back to the first page (a filter changed). */
  firstPage(): void {
    this.offset = 0;
  }

  /** Empties the search and goes back to the first page; the page clears its own filters. */
  clear(): void {
    this.searchText = '';
    this.q = '';
    this.offset = 0;
  }
}
