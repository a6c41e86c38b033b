/**
 * A meeting set up through the API the way the secretariat would: created,
 * its members added with their roles, its agenda and documents, then
 * published or started. Shared by the integration and browser tests so each
 * states only what is particular to it.
 */
import { expect } from 'vitest';
import type { DocumentDto, DocumentUploadFields } from '../../server/contract/documents.ts';
import type { AgendaItemCreate, AgendaItemDto, MeetingDto, MeetingKind, MeetingStatus, ParticipantRole } from '../../server/contract/meetings.ts';
import { PAGE_BREAK, renderTextPdf } from '../../server/modules/documents/text-pdf.ts';
import { demoDirectory } from './demo.ts';
import { DEMO_PASSWORD, TestClient } from './server.ts';

export type Directory = Awaited<ReturnType<typeof demoDirectory>>;

/** A demo user logged in on a client of their own (one browser). */
export async function loggedIn(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<TestClient> {
  const client = new TestClient(baseUrl);
  expect((await client.login(username, password)).status).toBe(200);
  return client;
}

/** The demo secretary, logged in, and the demo directory as she sees it. */
export async function secretariat(baseUrl: string): Promise<{ secretary: TestClient; directory: Directory }> {
  const secretary = await loggedIn(baseUrl, 'thuky');
  return { secretary, directory: await demoDirectory(secretary) };
}

export type Members = readonly (readonly [username: string, role: ParticipantRole])[];

export type MeetingSetup = {
  title: string;
  membershipTotal: number;
  members: Members;
  startsAt?: string;
  location?: string;
  kind?: MeetingKind;
  /** the organising unit's name; the Văn phòng Tỉnh ủy unless said */
  organizer?: string;
};

/** Creates a draft meeting with these members. */
export async function createMeeting(secretary: TestClient, directory: Directory, setup: MeetingSetup): Promise<MeetingDto> {
  const created = await secretary.post<{ meeting: MeetingDto }>('/api/v1/meetings', {
    kind: setup.kind ?? 'btv',
    title: setup.title,
    organizerUnitId: directory.unit(setup.organizer ?? 'Văn phòng Tỉnh ủy').id,
    startsAt: setup.startsAt ?? '2026-12-15T01:30:00.000Z',
    membershipTotal: setup.membershipTotal,
    ...(setup.location === undefined ? {} : { location: setup.location }),
  });
  expect(created.status).toBe(201);
  const meeting = created.body.meeting;
  await addMembers(secretary, directory, meeting, setup.members);
  return meeting;
}

/** Adds people to a meeting with their roles. */
export async function addMembers(secretary: TestClient, directory: Directory, meeting: MeetingDto, members: Members): Promise<void> {
  for (const [username, role] of members) {
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/participants`, { userId: directory.user(username).id, role })).status).toBeLessThan(300);
  }
}

/** Adds one item to the meeting's agenda. */
export async function addAgendaItem(secretary: TestClient, meeting: MeetingDto, item: AgendaItemCreate): Promise<AgendaItemDto> {
  const added = await secretary.post<{ item: AgendaItemDto }>(`/api/v1/meetings/${meeting.id}/agenda`, item);
  expect(added.status).toBe(201);
  return added.body.item;
}

/** Uploads a PDF to the meeting, as the secretariat's upload form does. */
export async function uploadDocument(secretary: TestClient, meeting: MeetingDto, fields: DocumentUploadFields, file: { bytes: Uint8Array; filename: string }): Promise<DocumentDto> {
  const uploaded = await secretary.upload<{ document: DocumentDto }>(`/api/v1/meetings/${meeting.id}/documents`, fields, file);
  expect(uploaded.status).toBe(201);
  return uploaded.body.document;
}

/** A PDF with one page per entry of `pages`. */
export function pagesPdf(title: string, pages: readonly string[]): Promise<Uint8Array> {
  return renderTextPdf({ title, paragraphs: pages.flatMap((text, i) => (i === 0 ? [text] : [PAGE_BREAK, text])) });
}

/** Moves the meeting on (published, in session, closed), as `client` (the secretariat or the chair). */
export async function changeStatus(client: TestClient, meeting: MeetingDto, to: MeetingStatus): Promise<void> {
  expect((await client.post(`/api/v1/meetings/${meeting.id}/status`, { to })).status).toBe(200);
}
