/**
 * The organising unit's figures (issue 12, "The record and its figures"):
 * meetings held paperless, documents online, pages delivered instead of
 * printed, attendance per unit; a period in Vietnamese days; a secretary's
 * office sees its own meetings only, delegates and strangers nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../server/contract/errors.ts';
import type { UserDto } from '../../server/contract/identity.ts';
import type { MeetingDto, ParticipantDto } from '../../server/contract/meetings.ts';
import type { ReportSummary } from '../../server/contract/reports.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { demoDirectory } from '../helpers/demo.ts';
import { changeStatus, createMeeting, loggedIn, pagesPdf, secretariat, uploadDocument, type Directory } from '../helpers/meetings.ts';
import { online, type Person } from '../helpers/people.ts';
import { startTestServer, TestClient, type TestServer } from '../helpers/server.ts';
import { act } from '../helpers/socket.ts';

const PASSWORD = 'Mat-khau-xa-2026';

describe('reports', () => {
  let db: TestDatabase;
  let server: TestServer;
  let directory: Directory;
  let secretary: TestClient;
  let held: MeetingDto;
  let roster: ParticipantDto[];
  const people: Person[] = [];
  const summary = async (client: TestClient, query = 'from=2026-12-01&to=2026-12-31') => client.get<ReportSummary>(`/api/v1/reports/summary?${query}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db);
    ({ secretary, directory } = await secretariat(server.url));

    // Held: four voting members and a guest; two documents, one for everyone (3 pages), one for delegates (2 pages).
    held = await createMeeting(secretary, directory, {
      title: 'Hội nghị Ban Thường vụ Tỉnh ủy tháng 12',
      startsAt: '2026-12-10T01:30:00.000Z',
      membershipTotal: 4,
      members: [
        ['bithu', 'chair'],
        ['caophong.bithu', 'delegate'],
        ['maichau.bithu', 'delegate'],
        ['paco.chutich', 'delegate'],
        ['khach', 'guest'],
      ],
    });
    await uploadDocument(secretary, held, { title: 'Báo cáo kinh tế - xã hội', kind: 'report' }, { bytes: await pagesPdf('Báo cáo', ['Một', 'Hai', 'Ba']), filename: 'bao-cao.pdf' });
    await uploadDocument(
      secretary,
      held,
      { title: 'Phương án nhân sự', kind: 'report', confidentiality: 'secret', audience: 'delegates' },
      { bytes: await pagesPdf('Nhân sự', ['Một', 'Hai']), filename: 'nhan-su.pdf' },
    );
    roster = (await secretary.get<{ participants: ParticipantDto[] }>(`/api/v1/meetings/${held.id}/participants`)).body.participants;
    await changeStatus(secretary, held, 'published');
    const chair = await online(server.url, 'bithu');
    const present = await online(server.url, 'caophong.bithu');
    people.push(chair, present);
    await changeStatus(chair.client, held, 'in_session');
    await act(present.socket, 'attendance:checkIn', { meetingId: held.id });
    await act(chair.socket, 'attendance:checkIn', { meetingId: held.id });
    await act(chair.socket, 'attendance:mark', { meetingId: held.id, userId: directory.user('maichau.bithu').id, status: 'absent', reason: 'Đi công tác' });
    await act(chair.socket, 'attendance:mark', { meetingId: held.id, userId: directory.user('paco.chutich').id, status: 'proxy', proxyUserId: directory.user('caophong.bithu').id });
    await changeStatus(chair.client, held, 'closed');

    // Published, not yet held, one page; and a draft, not counted at all.
    const upcoming = await createMeeting(secretary, directory, { title: 'Hội nghị sắp tới', startsAt: '2026-12-20T01:30:00.000Z', membershipTotal: 1, members: [['bithu', 'chair']] });
    await uploadDocument(secretary, upcoming, { title: 'Giấy mời', kind: 'reference' }, { bytes: await pagesPdf('Giấy mời', ['Một']), filename: 'giay-moi.pdf' });
    await changeStatus(secretary, upcoming, 'published');
    await createMeeting(secretary, directory, { title: 'Dự thảo chưa công bố', startsAt: '2026-12-11T01:30:00.000Z', membershipTotal: 1, members: [['bithu', 'chair']] });
  });
  afterAll(async () => {
    for (const person of people) person.socket.disconnect();
    await server?.close();
    await db?.drop();
  });

  it('counts meetings held and upcoming, documents online and the pages a paper meeting would have printed', async () => {
    const answer = await summary(secretary);
    expect(answer.status).toBe(200);
    const report = answer.body;
    expect(report.meetings).toEqual({ held: 1, upcoming: 1, byKind: [{ kind: 'btv', held: 1 }] });
    // Everyone on the roster reads the 3 pages; the delegates' document goes to the voting roles only.
    const voting = roster.filter((p) => p.role !== 'guest').length;
    expect(report.documents).toEqual({ online: 3, pages: 6, pagesDelivered: 3 * roster.length + 2 * voting + 1 * 1 });
    expect(report.byMonth).toEqual([{ month: '2026-12', held: 1, documents: 3 }]);
  });

  it('gives attendance per unit of the voting members, as they were marked', async () => {
    const { attendance } = (await summary(secretary)).body;
    const members = ['bithu', 'caophong.bithu', 'maichau.bithu', 'paco.chutich'].map((username) => directory.user(username));
    const expected = new Map<string, { present: number; absent: number; represented: number }>();
    const statuses: Record<string, 'present' | 'absent' | 'represented'> = { bithu: 'present', 'caophong.bithu': 'present', 'maichau.bithu': 'absent', 'paco.chutich': 'represented' };
    for (const member of members) {
      const row = expected.get(member.unitId) ?? { present: 0, absent: 0, represented: 0 };
      row[statuses[member.username]!] += 1;
      expected.set(member.unitId, row);
    }
    expect(attendance.reduce((sum, row) => sum + row.expected, 0)).toBe(4);
    for (const row of attendance) {
      const want = expected.get(row.unitId)!;
      expect(row).toMatchObject({ ...want, unmarked: 0, expected: want.present + want.absent + want.represented });
      expect(row.unitName).not.toBe('');
      expect(row.presentPercent).toBe(Math.round((1000 * want.present) / row.expected) / 10);
    }
  });

  it('counts by Vietnamese days: a period that ends the day before the meeting has nothing held', async () => {
    // 2026-12-10T01:30Z is 08:30 on 10 December in Hà Nội.
    expect((await summary(secretary, 'from=2026-12-01&to=2026-12-09')).body.meetings.held).toBe(0);
    expect((await summary(secretary, 'from=2026-12-10&to=2026-12-10')).body.meetings.held).toBe(1);
  });

  it('gives a commune secretary nothing of the province’s meetings, and a delegate or a stranger no report at all', async () => {
    const admin = await loggedIn(server.url, 'admin');
    const created = await admin.post<{ user: UserDto }>('/api/v1/users', { username: 'paco.thuky', fullName: 'Hà Thị Xuân', unitId: directory.unit('Xã Pà Cò').id, role: 'secretary', password: PASSWORD });
    expect(created.status).toBe(201);
    const commune = await loggedIn(server.url, 'paco.thuky', PASSWORD);
    const theirs = (await summary(commune)).body;
    expect(theirs.meetings.held).toBe(0);
    expect(theirs.documents).toEqual({ online: 0, pages: 0, pagesDelivered: 0 });
    expect(theirs.attendance).toEqual([]);
    // Asking for the province's unit by id changes nothing: the office rule still applies.
    const provinceUnit = (await demoDirectory(admin)).unit('Văn phòng Tỉnh ủy').id;
    expect((await summary(commune, `from=2026-12-01&to=2026-12-31&unitId=${provinceUnit}`)).body.meetings.held).toBe(0);
    // The admin sees the province's meetings.
    expect((await summary(admin)).body.meetings.held).toBe(1);

    expect((await summary(await loggedIn(server.url, 'caophong.bithu'))).status).toBe(403);
    expect((await summary(new TestClient(server.url))).status).toBe(401);
  });

  it('refuses a malformed or unbounded period with a clear message', async () => {
    const refused = async (query: string) => {
      const answer = await secretary.get<ErrorBody>(`/api/v1/reports/summary?${query}`);
      expect(answer.status).toBe(400);
      return answer.body.error;
    };
    expect((await refused('from=2026-13-45')).code).toBe('validation');
    expect((await refused('from=0000-01-01')).code).toBe('validation');
    expect((await refused('unitId=not-a-uuid')).code).toBe('validation');
    expect(await refused('from=2026-12-31&to=2026-12-01')).toMatchObject({ code: 'reportPeriodInvalid', message: 'Ngày kết thúc phải sau ngày bắt đầu' });
    expect((await refused('from=1990-01-01&to=2026-12-31')).code).toBe('reportPeriodTooLong');
  });
});
