import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnitDto, UserDto } from '../../server/contract/identity.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { DEMO_PASSWORD, startTestServer, TestClient, type TestServer } from '../helpers/server.ts';

type ErrorBody = { error: { code: string; message: string; field?: string; issues?: { field: string; rule: string; message: string }[] } };

describe('administration of units and users', () => {
  let db: TestDatabase;
  let server: TestServer;
  let admin: TestClient;
  let units: UnitDto[];
  const unitNamed = (name: string) => units.find((u) => u.name === name)!;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    admin = new TestClient(server.url);
    await admin.login('admin', DEMO_PASSWORD);
    units = (await admin.get<{ units: UnitDto[] }>('/api/v1/units')).body.units;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('seeds a province with ten districts and their communes', () => {
    const province = unitNamed('Tỉnh Hòa Bình');
    expect(province.level).toBe('province');
    const districts = units.filter((u) => u.parentId === province.id && u.level === 'district');
    expect(districts).toHaveLength(10);
    const maiChau = unitNamed('Huyện Mai Châu');
    expect(units.filter((u) => u.parentId === maiChau.id).map((u) => u.name)).toContain('Xã Pà Cò');
  });

  it('creates a commune under a district or directly under the province, and refuses parents of a lower level', async () => {
    const created = await admin.post<{ unit: UnitDto }>('/api/v1/units', { name: 'Xã Tân Mai', level: 'commune', parentId: unitNamed('Huyện Mai Châu').id });
    expect(created.status).toBe(201);
    expect(created.body.unit).toMatchObject({ name: 'Xã Tân Mai', level: 'commune', active: true });

    // The two-level tree (since 1 July 2025): a commune straight under its province.
    const direct = await admin.post<{ unit: UnitDto }>('/api/v1/units', { name: 'Xã Lạc', level: 'commune', parentId: unitNamed('Tỉnh Hòa Bình').id });
    expect(direct.status).toBe(201);
    expect(direct.body.unit).toMatchObject({ name: 'Xã Lạc', level: 'commune', parentId: unitNamed('Tỉnh Hòa Bình').id });
    const listed = (await admin.get<{ units: UnitDto[] }>('/api/v1/units')).body.units;
    expect(listed.find((u) => u.id === direct.body.unit.id)?.parentId).toBe(unitNamed('Tỉnh Hòa Bình').id);

    // Never upwards: a district under a commune, a province under a district.
    const districtUnderCommune = await admin.post<ErrorBody>('/api/v1/units', { name: 'Huyện Lạ', level: 'district', parentId: direct.body.unit.id });
    expect(districtUnderCommune.status).toBe(400);
    expect(districtUnderCommune.body.error).toMatchObject({ code: 'unitLevelMismatch', field: 'level' });
    const provinceUnderDistrict = await admin.post<ErrorBody>('/api/v1/units', { name: 'Tỉnh Lạ', level: 'province', parentId: unitNamed('Huyện Mai Châu').id });
    expect(provinceUnderDistrict.status).toBe(400);
    expect(provinceUnderDistrict.body.error.code).toBe('unitLevelMismatch');
    const communeWithoutParent = await admin.post<ErrorBody>('/api/v1/units', { name: 'Xã Mồ Côi', level: 'commune', parentId: null });
    expect(communeWithoutParent.status).toBe(400);
    expect(communeWithoutParent.body.error).toMatchObject({ code: 'unitNeedsParent', field: 'parentId' });
    const unknownParent = await admin.post<ErrorBody>('/api/v1/units', { name: 'Xã Lạ', level: 'commune', parentId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownParent.status).toBe(400);
    expect(unknownParent.body.error.code).toBe('parentUnitNotFound');

    const duplicate = await admin.post<ErrorBody>('/api/v1/units', { name: 'Xã Tân Mai', level: 'commune', parentId: unitNamed('Huyện Mai Châu').id });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toBe('Đã có đơn vị cùng tên trong đơn vị cấp trên này');
  });

  it('creates, edits and finds a user by name with or without diacritics', async () => {
    const created = await admin.post<{ user: UserDto }>('/api/v1/users', {
      username: 'tanlac.chutich',
      fullName: 'Nguyễn Đức Thịnh',
      title: 'Chủ tịch UBND huyện Tân Lạc',
      unitId: unitNamed('Huyện Tân Lạc').id,
      role: 'user',
      password: 'MatKhauMoi#2026',
    });
    expect(created.status).toBe(201);
    for (const q of ['nguyen duc thinh', 'Nguyễn Đức', 'DUC THINH']) {
      const found = await admin.get<{ users: UserDto[]; total: number }>(`/api/v1/users?q=${encodeURIComponent(q)}`);
      expect(found.body.users.map((u) => u.username)).toContain('tanlac.chutich');
    }
    const edited = await admin.patch<{ user: UserDto }>(`/api/v1/users/${created.body.user.id}`, { title: 'Bí thư Huyện ủy Tân Lạc' });
    expect(edited.body.user.title).toBe('Bí thư Huyện ủy Tân Lạc');

    const taken = await admin.post<ErrorBody>('/api/v1/users', { username: 'tanlac.chutich', fullName: 'Người Khác', unitId: unitNamed('Huyện Tân Lạc').id, role: 'user', password: 'MatKhauMoi#2026' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.field).toBe('username');

    const user = new TestClient(server.url);
    expect((await user.login('tanlac.chutich', 'MatKhauMoi#2026')).status).toBe(200);
  });

  it('deactivating a user ends their sessions and stops them logging in', async () => {
    const created = await admin.post<{ user: UserDto }>('/api/v1/users', {
      username: 'yenthuy.vanthu',
      fullName: 'Bùi Thị Hằng',
      unitId: unitNamed('Huyện Yên Thủy').id,
      role: 'user',
      password: 'VanThu@Yen2026',
    });
    const user = new TestClient(server.url);
    await user.login('yenthuy.vanthu', 'VanThu@Yen2026');
    expect((await user.get('/api/v1/auth/me')).status).toBe(200);

    expect((await admin.patch(`/api/v1/users/${created.body.user.id}`, { active: false })).status).toBe(200);
    expect((await user.get('/api/v1/auth/me')).status).toBe(401);
    const again = await new TestClient(server.url).login('yenthuy.vanthu', 'VanThu@Yen2026');
    expect(again.status).toBe(401);
    expect((again.body as ErrorBody).error.message).toBe('Tên đăng nhập hoặc mật khẩu không đúng');
  });

  it('resetting a password ends old sessions and the new password works', async () => {
    const created = await admin.post<{ user: UserDto }>('/api/v1/users', {
      username: 'kimboi.thuky',
      fullName: 'Quách Văn Đông',
      unitId: unitNamed('Huyện Kim Bôi').id,
      role: 'secretary',
      password: 'CuMatKhau#2026',
    });
    const user = new TestClient(server.url);
    await user.login('kimboi.thuky', 'CuMatKhau#2026');
    expect((await admin.post(`/api/v1/users/${created.body.user.id}/password`, { password: 'MoiMatKhau#2026' })).status).toBe(204);
    expect((await user.get('/api/v1/auth/me')).status).toBe(401);
    expect((await new TestClient(server.url).login('kimboi.thuky', 'CuMatKhau#2026')).status).toBe(401);
    expect((await new TestClient(server.url).login('kimboi.thuky', 'MoiMatKhau#2026')).status).toBe(200);
  });

  it('an admin cannot lock themselves out', async () => {
    const me = await admin.get<{ user: { id: string } }>('/api/v1/auth/me');
    const response = await admin.patch<ErrorBody>(`/api/v1/users/${me.body.user.id}`, { active: false });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('active');
  });

  it('answers 401 without a session and 403 for a non-admin on admin routes', async () => {
    const anonymous = new TestClient(server.url);
    expect((await anonymous.get('/api/v1/users')).status).toBe(401);

    const delegate = new TestClient(server.url);
    await delegate.login('phobithu', DEMO_PASSWORD);
    const refused = await delegate.get<ErrorBody>('/api/v1/users');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('Bạn không có quyền thực hiện thao tác này');
    expect((await delegate.post('/api/v1/units', { name: 'Xã Mới', level: 'province', parentId: null })).status).toBe(403);

    // The secretariat may read users (to invite them) but not change them.
    const secretary = new TestClient(server.url);
    await secretary.login('thuky', DEMO_PASSWORD);
    expect((await secretary.get('/api/v1/users')).status).toBe(200);
    expect((await secretary.patch(`/api/v1/users/${(await secretary.get<{ user: { id: string } }>('/api/v1/auth/me')).body.user.id}`, { role: 'admin' })).status).toBe(403);
  });

  it('answers bad input with a 400 that names the field, in the chosen language', async () => {
    const unknownField = await admin.post<ErrorBody>('/api/v1/units', { name: 'Xã Mới', level: 'commune', parentId: unitNamed('Huyện Mai Châu').id, isAdmin: true });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.field).toBe('isAdmin');
    expect(unknownField.body.error.message).toContain('isAdmin');

    const wrongType = await admin.post<ErrorBody>('/api/v1/users', { username: 'abc', fullName: 42, unitId: unitNamed('Huyện Mai Châu').id, role: 'user', password: 'MatKhauDai#2026' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.field).toBe('fullName');
    expect(wrongType.body.error.message).toBe('Họ và tên (fullName): phải là chuỗi ký tự');

    const badQuery = await admin.get<ErrorBody>('/api/v1/users?limit=lots');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.field).toBe('limit');

    const badId = await admin.get<ErrorBody>('/api/v1/users/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.error.field).toBe('id');

    const brokenJson = await admin.request<ErrorBody>('POST', '/api/v1/units', '{"name": "Xã', {});
    expect(brokenJson.status).toBe(400);

    admin.cookies.set('lang', 'en');
    const english = await admin.post<ErrorBody>('/api/v1/users', { username: 'ab' });
    expect(english.status).toBe(400);
    expect(english.body.error.issues?.map((i) => i.message)).toContain('Username (username): must have at least 3 characters');
    admin.cookies.delete('lang');
  });

  it('refuses a cross-site request even with a valid session cookie', async () => {
    const victim = new TestClient(server.url);
    await victim.login('bithu', DEMO_PASSWORD);
    victim.origin = 'https://trang-gia-mao.example';
    const response = await victim.post<ErrorBody>('/api/v1/auth/logout-everywhere');
    expect(response.status).toBe(403);
    victim.origin = server.url;
    expect((await victim.get('/api/v1/auth/me')).status).toBe(200);
  });
});
