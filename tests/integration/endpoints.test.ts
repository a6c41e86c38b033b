import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointDto } from '../../server/contract/conference.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { demoDirectory } from '../helpers/demo.ts';
import { addMembers, changeStatus, createMeeting, loggedIn } from '../helpers/meetings.ts';
import { startTestServer, type TestClient, type TestServer } from '../helpers/server.ts';

type ErrorBody = { error: { code: string; field?: string } };

describe('conference endpoints (điểm cầu)', () => {
  let db: TestDatabase;
  let server: TestServer;
  let admin: TestClient;
  let secretary: TestClient;
  let delegate: TestClient;
  let directory: Awaited<ReturnType<typeof demoDirectory>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { MEDIA_NODES: 'vung-1=127.0.0.1:1', MEDIA_NODE_SECRET: 'a secret of at least twenty-four characters' });
    admin = await loggedIn(server.url, 'admin');
    secretary = await loggedIn(server.url, 'thuky');
    delegate = await loggedIn(server.url, 'caophong.bithu');
    directory = await demoDirectory(admin);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('seeds the province hall, every district and some communes, with their accounts', async () => {
    const list = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    expect(list.filter((e) => e.level === 'province')).toHaveLength(1);
    expect(list.filter((e) => e.level === 'district')).toHaveLength(10);
    const paCo = list.find((e) => e.name === 'Điểm cầu xã Pà Cò')!;
    expect(paCo).toMatchObject({ level: 'commune', accountUserIds: [directory.user('diemcau.paco').id] });
    const found = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints?q=pa%20co')).body.endpoints;
    expect(found.map((e) => e.name)).toEqual(['Điểm cầu xã Pà Cò']);
  });

  it('only admins create endpoints; bad references are refused', async () => {
    const body = { name: 'Điểm cầu xã Hiền Lương', level: 'commune', unitId: directory.unit('Xã Hiền Lương').id };
    expect((await secretary.post('/api/v1/endpoints', body)).status).toBe(403);
    const created = await admin.post<{ endpoint: EndpointDto }>('/api/v1/endpoints', { ...body, accountUserIds: [directory.user('paco.chutich').id] });
    expect(created.status).toBe(201);
    expect(created.body.endpoint.accountUserIds).toEqual([directory.user('paco.chutich').id]);
    const wrongUnit = await admin.post<ErrorBody>('/api/v1/endpoints', { ...body, unitId: '00000000-0000-4000-8000-000000000000' });
    expect(wrongUnit.status).toBe(400);
    expect(wrongUnit.body.error.field).toBe('unitId');
  });

  it('an admin puts an endpoint on a configured media node and back on its unit’s; anything else is refused', async () => {
    const paCo = (await admin.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints?q=pa%20co')).body.endpoints[0]!;
    expect(paCo.mediaNode).toBeNull();
    const placed = await admin.patch<{ endpoint: EndpointDto }>(`/api/v1/endpoints/${paCo.id}`, { mediaNode: 'vung-1' });
    expect(placed.status).toBe(200);
    expect(placed.body.endpoint.mediaNode).toBe('vung-1');
    for (const [mediaNode, code] of [
      ['vung-9', 'mediaNodeNotFound'],
      ['vùng 1', 'validation'],
      ['x'.repeat(65), 'validation'],
      [7, 'validation'],
    ] as const) {
      const refused = await admin.patch<ErrorBody>(`/api/v1/endpoints/${paCo.id}`, { mediaNode });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code, field: 'mediaNode' });
    }
    expect((await secretary.patch(`/api/v1/endpoints/${paCo.id}`, { mediaNode: 'local' })).status).toBe(403);
    const back = await admin.patch<{ endpoint: EndpointDto }>(`/api/v1/endpoints/${paCo.id}`, { mediaNode: null });
    expect(back.body.endpoint.mediaNode).toBeNull();
  });

  it('the secretariat adds endpoints to a meeting, once each; participants see them', async () => {
    const meeting = await createMeeting(secretary, directory, {
      kind: 'ubnd',
      title: 'Hội nghị trực tuyến triển khai Đề án 06',
      organizer: 'Văn phòng UBND tỉnh',
      startsAt: '2026-12-18T01:30:00.000Z',
      membershipTotal: 40,
      members: [],
    });
    const all = (await secretary.get<{ endpoints: EndpointDto[] }>('/api/v1/endpoints')).body.endpoints;
    const caoPhong = all.find((e) => e.name === 'Điểm cầu huyện Cao Phong')!;
    const added = await secretary.post<{ endpoints: EndpointDto[] }>(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: caoPhong.id });
    expect(added.status).toBe(201);
    expect(added.body.endpoints.map((e) => e.name)).toEqual(['Điểm cầu huyện Cao Phong']);
    expect((await secretary.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: caoPhong.id })).status).toBe(409);

    await addMembers(secretary, directory, meeting, [['caophong.bithu', 'delegate']]);
    expect((await delegate.get(`/api/v1/meetings/${meeting.id}/endpoints`)).status).toBe(404); // still a draft
    await changeStatus(secretary, meeting, 'published');
    expect((await delegate.get<{ endpoints: EndpointDto[] }>(`/api/v1/meetings/${meeting.id}/endpoints`)).body.endpoints).toHaveLength(1);
    expect((await delegate.post(`/api/v1/meetings/${meeting.id}/endpoints`, { endpointId: all[0]!.id })).status).toBe(403);

    expect((await secretary.request('DELETE', `/api/v1/meetings/${meeting.id}/endpoints/${caoPhong.id}`)).status).toBe(204);
    expect((await delegate.get<{ endpoints: EndpointDto[] }>(`/api/v1/meetings/${meeting.id}/endpoints`)).body.endpoints).toHaveLength(0);
  });
});
