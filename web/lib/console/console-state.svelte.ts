/**
 * What the console works with: the meeting (REST, for title and the caller's
 * role), its documents (to present), and the live meeting (socket). Every
 * action goes through `act`, which sends the named call, waits for its ack,
 * reports a refusal in a toast (the server's message is already in the
 * user's language) and marks the action busy meanwhile so its buttons are
 * disabled and cannot be sent twice.
 */
import type { DocumentDto } from '$contract/documents.ts';
import type { MeetingDto, MeetingStatus } from '$contract/meetings.ts';
import type { Ack, ClientToServerEvents, Versioned } from '$contract/realtime.ts';
import { ApiError, errorMessage } from '$lib/api/client.ts';
import { documentsApi } from '$lib/api/documents.ts';
import { meetingsApi } from '$lib/api/meetings.ts';
import { LiveMeeting } from '$lib/live/live-meeting.svelte.ts';
import type { Call, Payloads } from '$lib/realtime/call.ts';
import { toasts } from '$lib/toasts.svelte.ts';

/** `realtime.call` has this shape; tests may pass their own. */
export type ConsoleCall = Call<ClientToServerEvents>;

/** The console's own actions (the live meeting's join/snapshot are LiveMeeting's business); each answers a version. */
export type ConsoleEvent =
  | 'meeting:start'
  | 'meeting:close'
  | 'attendance:mark'
  | 'agenda:open'
  | 'agenda:next'
  | 'presentation:show'
  | 'presentation:page'
  | 'presentation:stop'
  | 'speaker:give'
  | 'speaker:timer'
  | 'speaker:finish'
  | 'speaker:withdraw'
  | 'speaker:reorder';

export class ConsoleState {
  readonly meetingId: string;
  readonly live: LiveMeeting;
  meeting = $state<MeetingDto | null>(null);
  documents = $state<DocumentDto[]>([]);
  notFound = $state(false);
  loadError = $state<string | null>(null);
  /** keys of the actions under way (a key names a button or a row's action) */
  busy = $state<Record<string, true>>({});

  /** The chair runs the meeting; the secretariat may act on the chair's behalf (as the server decides). */
  readonly canRun: boolean = $derived(this.meeting !== null && (this.meeting.canManage || this.meeting.myRole === 'chair'));

  readonly #call: ConsoleCall;

  constructor(meetingId: string, call: ConsoleCall) {
    this.meetingId = meetingId;
    this.#call = call;
    this.live = new LiveMeeting(meetingId, call);
  }

  /** The live status wins over the REST one: it follows start and close as they happen. */
  get status(): MeetingStatus | null {
    return this.live.snapshot?.status ?? this.meeting?.status ?? null;
  }

  get inSession(): boolean {
    return this.status === 'in_session';
  }

  async load(): Promise<void> {
    try {
      this.meeting = await meetingsApi.get(this.meetingId);
      this.loadError = null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) this.notFound = true;
      else this.loadError = errorMessage(error);
      return;
    }
    await this.loadDocuments();
  }

  async loadDocuments(): Promise<void> {
    try {
      this.documents = await documentsApi.list(this.meetingId);
    } catch (error) {
      toasts.error(errorMessage(error));
    }
  }

  isBusy(key: string): boolean {
    return this.busy[key] === true;
  }

  /**
   * Sends one action (unless the same key is already under way) and resolves
   * with the version it produced, or null when it was refused or not sent.
   */
  async act<E extends ConsoleEvent>(key: string, event: E, payload: Payloads<ClientToServerEvents>[E]): Promise<number | null> {
    if (this.isBusy(key)) return null;
    this.busy = { ...this.busy, [key]: true };
    try {
      // Every ConsoleEvent answers a Versioned (see the contract), and the types know it.
      const ack: Ack<Versioned> = await this.#call(event, payload);
      if (!ack.ok) {
        toasts.error(ack.error.message);
        return null;
      }
      return ack.data.version;
    } finally {
      const rest = { ...this.busy };
      delete rest[key];
      this.busy = rest;
    }
  }

  close(): void {
    this.live.close();
  }
}
