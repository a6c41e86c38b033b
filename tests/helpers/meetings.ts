/**
 * A meeting set up through the API the way the secretariat would: created,
 * its members added with their roles. Shared by the integration and browser
 * tests so each states only what is particular to it.
 */
import { expect } from 'vitest';
import type { MeetingDto, MeetingKind, ParticipantRole } from '../../server/contract/meetings.ts';
import { demoDirectory } from './demo.ts';
import { DEMO_PASSWORD, TestClient } from './server.ts';

export type Directory = Awaited<ReturnType<typeof demoDirectory>>;

/** The demo secretary, logged in, and the demo directory as she sees it. */
export async function secretariat(baseUrl: string): Promise<{ secretary: TestClient; directory: Directory }> {
  const secretary = new TestClient(baseUrl);
  expect((await secretary.login('thuky', DEMO_PASSWORD)).status).toBe(200);
  return { secretary, directory: await demoDirectory(secretary) };
}

export type MeetingSetup = {
  title: string;
  membershipTotal: number;
  members: readonly (readonly [username: string, role: ParticipantRole])[];
  startsAt?: string;
  location?: string;
  kind?: MeetingKind;
};

/** Creates a draft meeting of the Văn phòng Tỉnh ủy with these members. */
export async function createMeeting(secretary: TestClient, directory: Directory, setup: MeetingSetup): Promise<MeetingDto> {
  const created = await secretary.post<{ meeting: MeetingDto }>('/api/v1/meetings', {
    kind: setup.kind ?? 'btv',
    title: setup.title,
    organizerUnitId: directory.unit('Văn phòng Tỉnh ủy').id,
    startsAt: setup.startsAt ?? '2026-12-15T01:30:00.000Z',
    membershipTotal: setup.membershipTotal,
    ...(setup.location === undefined ? {} : { location: setup.location }),
  });
  expect(created.status).toBe(201);
  const meeting = created.body.meeting;
  for (const [username, role] of setup.members) {
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/participants`, { userId: directory.user(username).id, role })).status).toBeLessThan(300);
  }
  return meeting;
}
