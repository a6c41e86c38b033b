/**
 * Everything the meeting page shows, as rune state shared by its sections:
 * the meeting, its agenda, participants and documents. Each part loads on its
 * own so one failure does not blank the page.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps here are $derived: rebuilt whole, never mutated. */
import type { EndpointDto } from '$contract/conference.ts';
import type { DocumentDto } from '$contract/documents.ts';
import type { AgendaItemDto, MeetingDto, ParticipantDto } from '$contract/meetings.ts';
import { ApiError, errorMessage } from '$lib/api/client.ts';
import { documentsApi } from '$lib/api/documents.ts';
import { endpointsApi } from '$lib/api/endpoints.ts';
import { agendaApi, meetingsApi, participantsApi } from '$lib/api/meetings.ts';

type Part<T> = { value: T; loaded: boolean; error: string | null };

/** One part fetched again: its new value, or (on failure) what it held by then with the reason. */
async function loadPart<T>(current: () => Part<T>, fetch: () => Promise<T>): Promise<Part<T>> {
  try {
    return { value: await fetch(), loaded: true, error: null };
  } catch (error) {
    return { ...current(), error: errorMessage(error) };
  }
}

export class MeetingPageState {
  readonly id: string;
  meeting = $state<MeetingDto | null>(null);
  /** 404 (absent or not visible to this person) vs. another failure */
  notFound = $state(false);
  error = $state<string | null>(null);

  agenda = $state<Part<AgendaItemDto[]>>({ value: [], loaded: false, error: null });
  totalMinutes = $state(0);
  participants = $state<Part<ParticipantDto[]>>({ value: [], loaded: false, error: null });
  documents = $state<Part<DocumentDto[]>>({ value: [], loaded: false, error: null });
  endpoints = $state<Part<EndpointDto[]>>({ value: [], loaded: false, error: null });

  /** May change the meeting's content (the secretariat or its secretary, and not closed). */
  readonly canEdit: boolean = $derived(this.meeting !== null && this.meeting.canManage && this.meeting.status !== 'closed');
  /** May start and close the session (also the chair). */
  readonly canRun: boolean = $derived(this.meeting !== null && (this.meeting.canManage || this.meeting.myRole === 'chair'));

  readonly participantNames: Map<string, string> = $derived(new Map(this.participants.value.map((p) => [p.userId, p.fullName])));
  readonly documentsByItem: Map<string | null, DocumentDto[]> = $derived.by(() => {
    const map = new Map<string | null, DocumentDto[]>();
    const known = new Set(this.agenda.value.map((item) => item.id));
    for (const doc of this.documents.value) {
      const key = doc.agendaItemId !== null && known.has(doc.agendaItemId) ? doc.agendaItemId : null;
      const list = map.get(key);
      if (list === undefined) map.set(key, [doc]);
      else list.push(doc);
    }
    return map;
  });

  constructor(id: string) {
    this.id = id;
  }

  async load(): Promise<void> {
    try {
      this.meeting = await meetingsApi.get(this.id);
      this.error = null;
      this.notFound = false;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) this.notFound = true;
      else this.error = errorMessage(error);
      return;
    }
    await Promise.all([this.loadAgenda(), this.loadParticipants(), this.loadDocuments(), this.loadEndpoints()]);
  }

  async loadMeeting(): Promise<void> {
    try {
      this.meeting = await meetingsApi.get(this.id);
    } catch {
      // Keep what is shown; the next action reports the problem.
    }
  }

  async loadAgenda(): Promise<void> {
    try {
      const agenda = await agendaApi.list(this.id);
      this.agenda = { value: agenda.items, loaded: true, error: null };
      this.totalMinutes = agenda.totalMinutes;
    } catch (error) {
      this.agenda = { ...this.agenda, error: errorMessage(error) };
    }
  }

  async loadParticipants(): Promise<void> {
    this.participants = await loadPart(() => this.participants, () => participantsApi.list(this.id));
  }

  async loadEndpoints(): Promise<void> {
    this.endpoints = await loadPart(() => this.endpoints, () => endpointsApi.forMeeting(this.id));
  }

  async loadDocuments(): Promise<void> {
    this.documents = await loadPart(() => this.documents, () => documentsApi.list(this.id));
  }

  setAgenda(items: AgendaItemDto[]): void {
    this.agenda = { value: items, loaded: true, error: null };
    this.totalMinutes = items.reduce((sum, item) => sum + item.plannedMinutes, 0);
  }

  upsertDocument(doc: DocumentDto): void {
    const exists = this.documents.value.some((d) => d.id === doc.id);
    const value = exists ? this.documents.value.map((d) => (d.id === doc.id ? doc : d)) : [...this.documents.value, doc];
    this.documents = { value, loaded: true, error: null };
  }
}
