import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgendaItemDto, MeetingDto, ParticipantDto } from '../../server/contract/meetings.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { demoDirectory } from '../helpers/demo.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { loggedIn } from '../helpers/meetings.ts';

type ErrorBody = { error: { code: string; message: string; field?: string } };

describe('meeting preparation', () => {
  let db: TestDatabase;
  let server: TestServer;
  let secretary: TestClient;
  let chair: TestClient;
  let delegate: TestClient;
  let outsider: TestClient;
  let directory: Awaited<ReturnType<typeof demoDirectory>>;
  let meeting: MeetingDto;

  const login = (username: string) => loggedIn(server.url, username);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    secretary = await login('thuky');
    chair = await login('bithu');
    delegate = await login('caophong.bithu');
    outsider = await login('maichau.bithu');
    directory = await demoDirectory(await login('admin'));
    const created = await secretary.post<{ meeting: MeetingDto }>('/api/v1/meetings', {
      kind: 'btv',
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy tháng 12',
      organizerUnitId: directory.unit('Văn phòng Tỉnh ủy').id,
      startsAt: '2026-12-10T01:30:00.000Z',
      endsAt: '2026-12-10T09:00:00.000Z',
      location: 'Phòng họp số 1, Tỉnh ủy',
      membershipTotal: 15,
    });
    expect(created.status).toBe(201);
    meeting = created.body.meeting;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('starts as a draft that only the secretariat sees', async () => {
    expect(meeting).toMatchObject({ status: 'draft', canManage: true, myRole: null, version: 1 });
    await secretary.post(`/api/v1/meetings/${meeting.id}/participants`, { userId: directory.user('caophong.bithu').id, role: 'delegate', seat: 'A3' });
    // A participant does not see the draft yet: it does not exist for them.
    expect((await delegate.get(`/api/v1/meetings/${meeting.id}`)).status).toBe(404);
    expect((await delegate.get<{ meetings: MeetingDto[] }>('/api/v1/meetings')).body.meetings.map((m) => m.id)).not.toContain(meeting.id);
  });

  it('refuses meetings that end before they start, and people who are not the secretariat', async () => {
    const backwards = await secretary.post<ErrorBody>('/api/v1/meetings', {
      kind: 'ubnd',
      title: 'Phiên họp UBND tỉnh',
      organizerUnitId: directory.unit('Văn phòng UBND tỉnh').id,
      startsAt: '2026-12-10T09:00:00.000Z',
      endsAt: '2026-12-10T08:00:00.000Z',
      membershipTotal: 12,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.field).toBe('endsAt');
    const notAllowed = await delegate.post('/api/v1/meetings', {
      kind: 'ubnd',
      title: 'Phiên họp UBND tỉnh',
      organizerUnitId: directory.unit('Văn phòng UBND tỉnh').id,
      startsAt: '2026-12-10T09:00:00.000Z',
      membershipTotal: 12,
    });
    expect(notAllowed.status).toBe(403);
  });

  it('keeps participants unique, refuses a delegate as their own proxy', async () => {
    const chairAdded = await secretary.post<{ participant: ParticipantDto }>(`/api/v1/meetings/${meeting.id}/participants`, {
      userId: directory.user('bithu').id,
      role: 'chair',
      seat: 'A1',
    });
    expect(chairAdded.status).toBe(201);
    expect(chairAdded.body.participant).toMatchObject({ fullName: 'Hoàng Văn Minh', role: 'chair', seat: 'A1' });

    const twice = await secretary.post<ErrorBody>(`/api/v1/meetings/${meeting.id}/participants`, { userId: directory.user('bithu').id, role: 'delegate' });
    expect(twice.status).toBe(409);

    const selfProxy = await secretary.post<ErrorBody>(`/api/v1/meetings/${meeting.id}/participants`, {
      userId: directory.user('chutich').id,
      role: 'delegate',
      proxyUserId: directory.user('chutich').id,
    });
    expect(selfProxy.status).toBe(400);
    expect(selfProxy.body.error.field).toBe('proxyUserId');
  });

  it('builds an ordered agenda with planned time, reorders it and renumbers on removal', async () => {
    const titles = ['Khai mạc hội nghị', 'Tờ trình về dự thảo Nghị quyết chuyển đổi số', 'Báo cáo kết quả thực hiện Đề án 06', 'Bế mạc'];
    const items: AgendaItemDto[] = [];
    for (const [i, title] of titles.entries()) {
      const response = await secretary.post<{ item: AgendaItemDto }>(`/api/v1/meetings/${meeting.id}/agenda`, { title, plannedMinutes: 10 + i * 5, presenterName: 'Đồng chí Bí thư' });
      expect(response.status).toBe(201);
      items.push(response.body.item);
    }
    expect(items.map((i) => i.position)).toEqual([1, 2, 3, 4]);
    const agenda = await secretary.get<{ items: AgendaItemDto[]; totalMinutes: number }>(`/api/v1/meetings/${meeting.id}/agenda`);
    expect(agenda.body.totalMinutes).toBe(10 + 15 + 20 + 25);

    const [open, draft, report, close] = items as [AgendaItemDto, AgendaItemDto, AgendaItemDto, AgendaItemDto];
    const reordered = await secretary.request<{ items: AgendaItemDto[] }>('PUT', `/api/v1/meetings/${meeting.id}/agenda/order`, { itemIds: [open.id, report.id, draft.id, close.id] });
    expect(reordered.body.items.map((i) => i.title)).toEqual(['Khai mạc hội nghị', 'Báo cáo kết quả thực hiện Đề án 06', 'Tờ trình về dự thảo Nghị quyết chuyển đổi số', 'Bế mạc']);

    const partial = await secretary.request<ErrorBody>('PUT', `/api/v1/meetings/${meeting.id}/agenda/order`, { itemIds: [open.id, report.id] });
    expect(partial.status).toBe(400);

    expect((await secretary.request('DELETE', `/api/v1/meetings/${meeting.id}/agenda/${report.id}`)).status).toBe(204);
    const after = await secretary.get<{ items: AgendaItemDto[] }>(`/api/v1/meetings/${meeting.id}/agenda`);
    expect(after.body.items.map((i) => [i.position, i.title])).toEqual([
      [1, 'Khai mạc hội nghị'],
      [2, 'Tờ trình về dự thảo Nghị quyết chuyển đổi số'],
      [3, 'Bế mạc'],
    ]);
  });

  it('stores HTML in titles as plain text', async () => {
    const response = await secretary.post<{ item: AgendaItemDto }>(`/api/v1/meetings/${meeting.id}/agenda`, { title: '<img src=x onerror=alert(1)> Góp ý', plannedMinutes: 5 });
    expect(response.body.item.title).toBe('<img src=x onerror=alert(1)> Góp ý');
    await secretary.request('DELETE', `/api/v1/meetings/${meeting.id}/agenda/${response.body.item.id}`);
  });

  it('bumps the version on every change', async () => {
    const before = (await secretary.get<{ meeting: MeetingDto }>(`/api/v1/meetings/${meeting.id}`)).body.meeting.version;
    await secretary.patch(`/api/v1/meetings/${meeting.id}`, { location: 'Hội trường lớn Tỉnh ủy' });
    const after = (await secretary.get<{ meeting: MeetingDto }>(`/api/v1/meetings/${meeting.id}`)).body.meeting;
    expect(after.version).toBe(before + 1);
    expect(after.location).toBe('Hội trường lớn Tỉnh ủy');
  });

  it('publishing shows the meeting to participants, read-only, and never to outsiders', async () => {
    expect((await delegate.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' })).status).toBe(404);
    const published = await secretary.post<{ meeting: MeetingDto }>(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
    expect(published.status).toBe(200);
    expect(published.body.meeting.status).toBe('published');

    const seen = await delegate.get<{ meeting: MeetingDto }>(`/api/v1/meetings/${meeting.id}`);
    expect(seen.body.meeting).toMatchObject({ status: 'published', myRole: 'delegate', canManage: false });
    expect((await delegate.get<{ meetings: MeetingDto[] }>('/api/v1/meetings?q=ban thuong vu')).body.meetings.map((m) => m.id)).toContain(meeting.id);
    expect((await delegate.patch(`/api/v1/meetings/${meeting.id}`, { title: 'Đổi tên' })).status).toBe(403);
    expect((await delegate.post(`/api/v1/meetings/${meeting.id}/agenda`, { title: 'Chen vào', plannedMinutes: 5 })).status).toBe(403);

    expect((await outsider.get(`/api/v1/meetings/${meeting.id}`)).status).toBe(404);
    expect((await outsider.get(`/api/v1/meetings/${meeting.id}/agenda`)).status).toBe(404);
    expect((await outsider.get(`/api/v1/meetings/${meeting.id}/participants`)).status).toBe(404);

    const again = await secretary.post<ErrorBody>(`/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
    expect(again.status).toBe(409);
  });

  it('the chair starts and closes the session; a closed meeting cannot change', async () => {
    expect((await delegate.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(403);
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'closed' })).status).toBe(409);
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' })).status).toBe(200);
    expect((await chair.post(`/api/v1/meetings/${meeting.id}/status`, { to: 'closed' })).status).toBe(200);
    const late = await secretary.post<ErrorBody>(`/api/v1/meetings/${meeting.id}/agenda`, { title: 'Bổ sung', plannedMinutes: 5 });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe('Cuộc họp đã kết thúc, không thể thay đổi');
  });
});
