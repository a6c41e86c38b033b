/**
 * The secretary role reaches the unit a secretary works for and the units
 * below it (issue 11, finding 11): a commune secretary neither manages a
 * province meeting nor reads its tuyệt mật document, nor finds it by search;
 * a province secretary (of an office under the province) manages a commune
 * meeting; admins keep every meeting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentDto } from '../../server/contract/documents.ts';
import type { UserDto } from '../../server/contract/identity.ts';
import type { MeetingDto } from '../../server/contract/meetings.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { demoDirectory } from '../helpers/demo.ts';
import { createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';

type ErrorBody = { error: { code: string } };
const PASSWORD = 'ThuKyXa#2026';

describe('secretary scope', () => {
  let db: TestDatabase;
  let server: TestServer;
  let province: TestClient;
  let commune: TestClient;
  let admin: TestClient;
  let directory: Directory;
  let provinceMeeting: MeetingDto;
  let topSecret: DocumentDto;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    ({ secretary: province, directory } = await secretariat(server.url));
    admin = await loggedIn(server.url, 'admin');
    const created = await admin.post<{ user: UserDto }>('/api/v1/users', {
      username: 'paco.thuky',
      fullName: 'Hà Thị Xuân',
      unitId: directory.unit('Xã Pà Cò').id,
      role: 'secretary',
      password: PASSWORD,
    });
    expect(created.status).toBe(201);
    commune = await loggedIn(server.url, 'paco.thuky', PASSWORD);
    directory = await demoDirectory(admin);
    provinceMeeting = await createMeeting(province, directory, { title: 'Hội nghị BTV Tỉnh ủy', membershipTotal: 15, members: [['bithu', 'chair']] });
    topSecret = await uploadDocument(
      province,
      provinceMeeting,
      { title: 'Phương án nhân sự', kind: 'report', confidentiality: 'top_secret', audience: 'delegates' },
      { bytes: await pagesPdf('Phương án nhân sự', ['Danh sách nhân sự tuyệt mật']), filename: 'nhan-su.pdf' },
    );
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('a commune secretary cannot see, manage or read a province meeting and its tuyệt mật document', async () => {
    expect((await commune.get<ErrorBody>(`/api/v1/meetings/${provinceMeeting.id}`)).status).toBe(404);
    expect((await commune.patch(`/api/v1/meetings/${provinceMeeting.id}`, { title: 'Đổi tên' })).status).toBe(404);
    expect((await commune.post(`/api/v1/meetings/${provinceMeeting.id}/participants`, { userId: directory.user('khach').id, role: 'guest' })).status).toBe(404);
    expect((await commune.get(`/api/v1/documents/${topSecret.id}`)).status).toBe(404);
    expect((await commune.fetchRaw(`/api/v1/documents/${topSecret.id}/versions/1/file`)).status).toBe(404);
    const listed = await commune.get<{ meetings: MeetingDto[] }>('/api/v1/meetings');
    expect(listed.body.meetings.map((m) => m.id)).not.toContain(provinceMeeting.id);
    const hits = await commune.get<{ hits: { documentId: string }[] }>('/api/v1/search?q=tuyet%20mat');
    expect(hits.status).toBe(200);
    expect(hits.body.hits.map((h) => h.documentId)).not.toContain(topSecret.id);
    // The province secretary's search does find it: the search itself works.
    const provinceHits = await province.get<{ hits: { documentId: string }[] }>('/api/v1/search?q=tuyet%20mat');
    expect(provinceHits.body.hits.map((h) => h.documentId)).toContain(topSecret.id);
  });

  it('a commune secretary cannot organise a meeting for the province, nor move their own meeting there', async () => {
    const refused = await commune.post<ErrorBody>('/api/v1/meetings', {
      kind: 'other',
      title: 'Họp giả danh tỉnh',
      organizerUnitId: directory.unit('Tỉnh Hòa Bình').id,
      startsAt: '2026-12-20T01:00:00.000Z',
      membershipTotal: 5,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('unitOutOfReach');
    const own = await createMeeting(commune, directory, { title: 'Họp Đảng ủy xã Pà Cò', organizer: 'Xã Pà Cò', membershipTotal: 9, members: [] });
    const moved = await commune.patch<ErrorBody>(`/api/v1/meetings/${own.id}`, { organizerUnitId: directory.unit('Văn phòng Tỉnh ủy').id });
    expect(moved.status).toBe(403);
    expect(moved.body.error.code).toBe('unitOutOfReach');
  });

  it('a province secretary manages a commune meeting, and so does an admin', async () => {
    const communeMeeting = await createMeeting(commune, directory, { title: 'Hội nghị Ban Chấp hành Đảng bộ xã', organizer: 'Xã Pà Cò', membershipTotal: 11, members: [] });
    const seen = await province.get<{ meeting: MeetingDto }>(`/api/v1/meetings/${communeMeeting.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.meeting.canManage).toBe(true);
    expect((await province.patch(`/api/v1/meetings/${communeMeeting.id}`, { location: 'Hội trường xã Pà Cò' })).status).toBe(200);
    expect((await province.get<{ meetings: MeetingDto[] }>('/api/v1/meetings')).body.meetings.map((m) => m.id)).toContain(communeMeeting.id);
    expect((await admin.patch(`/api/v1/meetings/${communeMeeting.id}`, { location: 'Nhà văn hóa xã' })).status).toBe(200);
  });

  it('the meeting a commune secretary is named secretary of stays theirs', async () => {
    const named = await createMeeting(province, directory, { title: 'Hội nghị trực tuyến toàn tỉnh', membershipTotal: 20, members: [['paco.thuky', 'secretary']] });
    expect((await commune.patch(`/api/v1/meetings/${named.id}`, { location: 'Hội trường Tỉnh ủy' })).status).toBe(200);
  });
});
