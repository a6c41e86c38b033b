/**
 * One reader's private annotations on one document version, as rune state
 * for the viewer's layers and toolbar. Changes show at once and go through
 * the persisted outbox (outbox.ts): saved as you draw, queued while offline,
 * restored and sent after a reload. The reader's other devices (and the
 * carry-over to a new version) arrive as `annotation:changed` pushes; a push
 * older than what we know, or about something we still have queued, is
 * ignored so the newest write wins.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps here are bookkeeping or rebuilt whole inside $derived, never mutated in place as state. */
import type { AnnotationDto, AnnotationUpsert } from '$contract/annotations.ts';
import type { Ack, AckError } from '$contract/realtime.ts';
import { errorMessage } from '$lib/api/client.ts';
import { format, i18n } from '$lib/i18n/locale.svelte.ts';
import { callOver } from '$lib/realtime/call.ts';
import type { AppSocket } from '$lib/realtime/client.svelte.ts';
import { SocketFollower } from '$lib/realtime/follower.ts';
import { toasts } from '$lib/toasts.svelte.ts';
import { annotationsApi } from './api.ts';
import { newId } from './ids.ts';
import { Outbox, outboxKey, type OutboxLock, type OutboxOp, type OutboxStorage } from './outbox.ts';
import { upsertAsDto } from './as-dto.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a layer saves: the store fills in the document, version and (for new ones) the id. */
export type AnnotationInput = DistributiveOmit<AnnotationUpsert, 'id' | 'documentId' | 'version'> & { id?: string };

export type AnnotationStoreOptions = { documentId: string; version: number; userId: string };

export class AnnotationStore extends SocketFollower<AppSocket> {
  readonly documentId: string;
  readonly version: number;
  readonly userId: string;

  /** changes queued, not yet acknowledged by the server */
  pending = $state(0);
  loading = $state(true);
  /** why the list could not be loaded (what is queued here is still shown) */
  loadError = $state<string | null>(null);

  /** live annotations by id (deleted ones leave) */
  #items = $state<Record<string, AnnotationDto>>({});

  readonly #byPage: Map<number, AnnotationDto[]> = $derived.by(() => {
    const map = new Map<number, AnnotationDto[]>();
    for (const item of Object.values(this.#items)) {
      if (item.page === null) continue;
      const list = map.get(item.page);
      if (list === undefined) map.set(item.page, [item]);
      else list.push(item);
    }
    return map;
  });

  /** carried over from an older version but their anchor text is gone: listed, never dropped */
  readonly unplaced: AnnotationDto[] = $derived(Object.values(this.#items).filter((item) => item.page === null));

  /** the highest revision seen per id, deleted ones included, so a late push cannot bring them back */
  readonly #revisions = new Map<string, number>();
  readonly #outbox: Outbox;
  /** Calls on the followed socket; while it is not connected they fail at once (the outbox waits for the connect). */
  readonly #call = callOver(() => (this.socket?.connected === true ? this.socket : null));
  /** pushes that arrive while the list is loading, applied over it afterwards */
  #buffer: AnnotationDto[] | null = null;
  #loadGeneration = 0;
  #unlisten: (() => void) | null = null;

  constructor(options: AnnotationStoreOptions) {
    super();
    this.documentId = options.documentId;
    this.version = options.version;
    this.userId = options.userId;
    this.#outbox = new Outbox({
      storage: browserStorage(),
      key: outboxKey(options.userId, options.documentId, options.version),
      transport: (op) => this.#send(op),
      online: () => this.socket?.connected === true,
      onAck: (dto) => this.#acknowledged(dto),
      onDrop: (_op, error) => this.#dropped(error),
      // Another tab changed it later: show the server's copy (its push was ignored while ours waited).
      onSuperseded: () => void this.#load(),
      // A closed tab's changes joined our queue: show them too.
      onAdopt: () => this.#applyOutbox(),
      onChange: (pending) => (this.pending = pending),
      lock: browserLock(),
    });
    this.pending = this.#outbox.pending;
    // What was drawn before a reload shows at once, before the server answers.
    this.#applyOutbox();
    // Closing or reloading the tab hands its queue to the next tab (or the reloaded page) at once.
    if (typeof window !== 'undefined') {
      const onPageHide = () => this.#outbox.release();
      window.addEventListener('pagehide', onPageHide);
      this.#unlisten = () => window.removeEventListener('pagehide', onPageHide);
    }
  }

  forPage(page: number): AnnotationDto[] {
    return this.#byPage.get(page) ?? [];
  }

  get(id: string): AnnotationDto | undefined {
    return this.#items[id];
  }

  // Follow the tab's socket with attach() (call again whenever realtime.socket changes; null while there is none).
  // realtime.socket is not a rune, so mount it as `$effect(() => { void realtime.state; store.attach(realtime.socket); })`.

  protected override listen(socket: AppSocket): () => void {
    const onChanged = (dto: AnnotationDto) => this.#pushed(dto);
    socket.on('annotation:changed', onChanged);
    return () => socket.off('annotation:changed', onChanged);
  }

  /** A new socket, or none (then the REST list): read what the server has now. */
  protected override attached(): void {
    void this.#load();
  }

  /** Back online: catch up with what the other devices did meanwhile, then send the queue. */
  protected override connected(): void {
    void this.#load();
  }

  /** Creates or replaces an annotation (shown at once, sent through the outbox); answers what is shown. */
  save(input: AnnotationInput): AnnotationDto {
    const id = input.id ?? newId();
    const annotation = { ...input, id, documentId: this.documentId, version: this.version, anchorText: input.anchorText ?? null } as AnnotationUpsert;
    const dto = this.#toLocal(annotation);
    this.#items = { ...this.#items, [id]: dto };
    this.#outbox.enqueue({ type: 'upsert', annotation });
    return dto;
  }

  remove(id: string): void {
    if (this.#items[id] === undefined) return;
    const { [id]: _gone, ...rest } = this.#items;
    this.#items = rest;
    this.#outbox.enqueue({ type: 'delete', id });
  }

  /** Puts a note that could not be placed after a new version onto a page the reader chose. */
  place(id: string, page: number): void {
    const item = this.#items[id];
    if (item === undefined) return;
    this.save({ id, page, kind: item.kind, data: item.data, anchorText: item.anchorText } as AnnotationInput);
  }

  /** Sends what is queued now (e.g. a "sync now" tap); harmless when nothing is. */
  flush(): Promise<void> {
    return this.#outbox.flush();
  }

  destroy(): void {
    this.stopFollowing();
    this.#unlisten?.();
    this.#unlisten = null;
    this.#outbox.close();
  }

  // ---- loading ------------------------------------------------------------

  async #load(): Promise<void> {
    const generation = ++this.#loadGeneration;
    // A load that replaces one still running keeps what the first one buffered.
    this.#buffer ??= [];
    let list: AnnotationDto[] | null = null;
    if (this.socket?.connected === true) {
      const ack = await this.#call('annotation:list', { documentId: this.documentId, version: this.version });
      if (ack.ok) list = ack.data;
      else this.loadError = ack.error.message;
    }
    if (list === null) {
      try {
        list = await annotationsApi.list(this.documentId, this.version);
      } catch (error) {
        if (generation === this.#loadGeneration) this.loadError = errorMessage(error);
      }
    }
    if (generation !== this.#loadGeneration || this.closed) return;
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    this.loading = false;
    if (list !== null) {
      this.loadError = null;
      const items: Record<string, AnnotationDto> = {};
      for (const dto of list) {
        const known = this.#revisions.get(dto.id);
        if (known !== undefined && known > dto.revision) {
          // We already saw a newer revision than this list has (an ack or push that overtook it).
          const current = this.#items[dto.id];
          if (current !== undefined) items[dto.id] = current;
          continue;
        }
        this.#revisions.set(dto.id, dto.revision);
        if (!dto.deleted) items[dto.id] = dto;
      }
      this.#items = items;
      // Our queued changes are newer than the server's copy: show them over it.
      this.#applyOutbox();
    }
    // What arrived meanwhile is newer than the list (or all we have when it failed).
    for (const dto of buffered) this.#pushed(dto);
    void this.#outbox.flush();
  }

  #applyOutbox(): void {
    const items = { ...this.#items };
    for (const { op } of this.#outbox.entries) {
      if (op.type === 'upsert') items[op.annotation.id] = this.#toLocal(op.annotation);
      else delete items[op.id];
    }
    this.#items = items;
  }

  // ---- server answers and pushes -------------------------------------------

  #pushed(dto: AnnotationDto): void {
    if (dto.documentId !== this.documentId || dto.version !== this.version) return;
    if (this.#buffer !== null) {
      this.#buffer.push(dto);
      return;
    }
    // Something we still have queued: our write is newer and will win when it lands.
    if (this.#outbox.has(dto.id)) return;
    this.#adopt(dto);
  }

  #acknowledged(dto: AnnotationDto): void {
    // While the list is loading, an answer goes where pushes go: applied over the list when it lands,
    // or a list read before this write would hide it.
    if (this.#buffer !== null) {
      this.#buffer.push(dto);
      return;
    }
    if (this.#outbox.has(dto.id)) {
      // A later change of it is already queued: keep showing that, remember the revision only.
      this.#revisions.set(dto.id, Math.max(dto.revision, this.#revisions.get(dto.id) ?? 0));
      return;
    }
    this.#adopt(dto);
  }

  /** Takes the server's copy unless we already know a newer one. */
  #adopt(dto: AnnotationDto): void {
    const known = this.#revisions.get(dto.id);
    if (known !== undefined && dto.revision < known) return;
    this.#revisions.set(dto.id, dto.revision);
    if (dto.deleted) {
      if (this.#items[dto.id] === undefined) return;
      const { [dto.id]: _gone, ...rest } = this.#items;
      this.#items = rest;
    } else {
      this.#items = { ...this.#items, [dto.id]: dto };
    }
  }

  #dropped(error: AckError): void {
    toasts.error(format(i18n.m.annotations.dropped, { reason: error.message }));
    // Show the server's truth again instead of a change that will never be stored.
    void this.#load();
  }

  // ---- sending ------------------------------------------------------------

  #send(op: OutboxOp): Promise<Ack<AnnotationDto>> {
    return op.type === 'upsert' ? this.#call('annotation:upsert', op.annotation) : this.#call('annotation:delete', { id: op.id });
  }

  #toLocal(annotation: AnnotationUpsert): AnnotationDto {
    return upsertAsDto(annotation, this.#revisions.get(annotation.id) ?? 0);
  }
}

/** localStorage when the browser allows it; otherwise a queue that lives as long as the tab. */
function browserStorage(): OutboxStorage {
  try {
    if (typeof localStorage !== 'undefined') {
      const probe = '__phs_probe__';
      localStorage.setItem(probe, '1');
      localStorage.removeItem(probe);
      return localStorage;
    }
  } catch {
    // Blocked (private mode, policy): fall through.
  }
  const memory = new Map<string, string>();
  return {
    get length() {
      return memory.size;
    },
    key: (index) => [...memory.keys()][index] ?? null,
    getItem: (key) => memory.get(key) ?? null,
    setItem: (key, value) => void memory.set(key, value),
    removeItem: (key) => void memory.delete(key),
  };
}

/**
 * The Web Locks API, so two tabs starting together do not both adopt a closed
 * tab's queue (a tab that finds the lock taken skips: the holder adopts).
 * Without it adoption runs unguarded; the worst case is a harmless replay.
 */
function browserLock(): OutboxLock | undefined {
  if (typeof navigator === 'undefined' || navigator.locks === undefined) return undefined;
  const locks = navigator.locks;
  return async (name, run) => {
    let ran = false;
    try {
      await locks.request(name, { ifAvailable: true }, (lock) => {
        if (lock === null) return;
        ran = true;
        run();
      });
    } catch {
      // Locks refused (e.g. an opaque origin): adopt unguarded rather than never.
      if (!ran) run();
    }
  };
}
