/**
 * The demo meeting: a published session of the Provincial Party Executive
 * Committee a week ahead, with a real agenda, its participants and PDFs
 * typeset from real Vietnamese texts about e-government in Hòa Bình. It goes
 * through the same services as the secretariat's screens, so the demo obeys
 * every rule the product does.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { eq } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { DocumentUploadFields } from '../../contract/documents.ts';
import type { ParticipantRole } from '../../contract/meetings.ts';
import { DomainEvents } from '../../events.ts';
import { EndpointService } from '../../modules/conference/endpoints-service.ts';
import { SignatureService } from '../../modules/signatures/index.ts';
import { DocumentService } from '../../modules/documents/service.ts';
import { PAGE_BREAK, renderTextPdf } from '../../modules/documents/text-pdf.ts';
import { MeetingService } from '../../modules/meetings/service.ts';
import { NotificationService } from '../../modules/notifications/service.ts';
import { credentialsOf } from '../../modules/auth/index.ts';
import { AuthService, toSessionUser } from '../../modules/auth/service.ts';
import { UnitService } from '../../modules/units/service.ts';
import { UserService } from '../../modules/users/service.ts';
import { subscribeNotifications } from '../../modules/notifications/subscriptions.ts';
import type { Db } from '../client.ts';
import { units, users } from '../schema/index.ts';

const TEXTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'texts');

async function paragraphs(file: string): Promise<string[]> {
  return (await readFile(path.join(TEXTS, file), 'utf8')).split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '');
}

const PARTICIPANTS: [string, ParticipantRole, string][] = [
  ['bithu', 'chair', 'A01'],
  ['thuky', 'secretary', 'B01'],
  ['phobithu', 'delegate', 'A02'],
  ['chutich', 'delegate', 'A03'],
  ['giamdoc.noivu', 'delegate', 'A04'],
  ['caophong.bithu', 'delegate', 'A05'],
  ['maichau.bithu', 'delegate', 'A06'],
  ['paco.chutich', 'delegate', 'A07'],
  ['khach', 'guest', 'K01'],
];

export async function seedDemoMeeting(db: Db, dataDir: string, log: FastifyBaseLogger): Promise<void> {
  const byName = async (username: string) => {
    const [row] = await db.select().from(users).where(eq(users.username, username)).limit(1);
    if (row === undefined) throw new Error(`demo user ${username} missing`);
    return row;
  };
  const secretary: SessionUser = toSessionUser(await byName('thuky'));
  const [office] = await db.select().from(units).where(eq(units.name, 'Văn phòng Tỉnh ủy')).limit(1);

  const events = new DomainEvents();
  // The seed never logs anybody in: the auth service is there because the users service needs one.
  const auth = new AuthService(db, events, { sessionLifetimeMs: 0, throttle: { perAccount: 0, perAddress: 0, windowMs: 0 } });
  const meetingService = new MeetingService(db, events, { users: new UserService(db, credentialsOf(auth)), units: new UnitService(db) });
  const notificationService = new NotificationService(db, events);
  subscribeNotifications(events, notificationService, log);
  const documentService = new DocumentService(db, meetingService, notificationService, {
    dataDir,
    uploadLimitBytes: 200 * 1024 * 1024,
    log,
    events,
    units: new UnitService(db),
    // the seed signs nothing; its documents carry no signature to verify
    signatures: new SignatureService(db, {}),
  });

  try {
    const endpointService = new EndpointService(db, {
      meetings: meetingService,
      units: new UnitService(db),
      // the seed lists endpoints and adds them to the meeting; it creates none, so it never checks accounts
      users: { namesById: () => Promise.reject(new Error('the demo seed creates no endpoints')) },
    });
    await createMeeting(log, secretary, office!.id, byName, meetingService, documentService, endpointService);
  } finally {
    await documentService.close();
  }
}

async function createMeeting(
  log: FastifyBaseLogger,
  secretary: SessionUser,
  officeId: string,
  byName: (username: string) => Promise<typeof users.$inferSelect>,
  meetingService: MeetingService,
  documentService: DocumentService,
  endpointService: EndpointService,
): Promise<void> {
  const start = new Date();
  start.setUTCDate(start.getUTCDate() + 7);
  start.setUTCHours(1, 30, 0, 0); // 8:30 in Hà Nội
  const end = new Date(start.getTime() + 7.5 * 3_600_000);
  const meeting = await meetingService.create(secretary, {
    kind: 'bch',
    title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 21, khóa XVII',
    organizerUnitId: officeId,
    startsAt: start.toISOString(),
    endsAt: end.toISOString(),
    location: 'Hội trường Tỉnh ủy Hòa Bình',
    membershipTotal: 53,
  });

  for (const [username, role, seat] of PARTICIPANTS) {
    await meetingService.addParticipant(secretary, meeting.id, { userId: (await byName(username)).id, role, seat });
  }

  const chair = await byName('bithu');
  const addItem = (title: string, plannedMinutes: number, presenter: { userId?: string; name?: string }, description?: string) =>
    meetingService.addAgendaItem(secretary, meeting.id, {
      title,
      plannedMinutes,
      presenterUserId: presenter.userId ?? null,
      presenterName: presenter.name ?? null,
      description: description ?? null,
    });
  await addItem('Khai mạc hội nghị', 10, { userId: chair.id });
  const report = await addItem('Báo cáo kết quả xây dựng chính quyền điện tử tỉnh năm 2019', 30, { name: 'Đại diện Sở Thông tin và Truyền thông' });
  const resolution = await addItem('Thảo luận dự thảo Nghị quyết về chuyển đổi số và dịch vụ công trực tuyến', 60, { userId: (await byName('chutich')).id }, 'Các đồng chí Ủy viên góp ý trực tiếp vào dự thảo.');
  const paperless = await addItem('Đánh giá việc thực hiện phòng họp không giấy và Chỉ thị số 21-CT/TU', 45, { userId: (await byName('phobithu')).id });
  await addItem('Bế mạc hội nghị', 10, { userId: chair.id });

  const upload = async (fields: DocumentUploadFields, filename: string, pdf: Uint8Array) =>
    documentService.create(secretary, meeting.id, fields, { stream: Readable.from(Buffer.from(pdf)), filename });

  await upload({ title: 'Báo cáo kết quả xây dựng chính quyền điện tử năm 2019', kind: 'report', agendaItemId: report.id }, 'bao-cao-chinh-quyen-dien-tu-2019.pdf',
    await renderTextPdf({ header: 'TỈNH ỦY HÒA BÌNH', title: 'BÁO CÁO', subtitle: 'Kết quả xây dựng chính quyền điện tử tỉnh năm 2019', paragraphs: await paragraphs('hoa-binh-e-government-2019-report.txt') }));

  const targets = await paragraphs('hoa-binh-online-services-targets-2021.txt');
  await upload({ title: 'Dự thảo Nghị quyết về chuyển đổi số và dịch vụ công trực tuyến', kind: 'draft', agendaItemId: resolution.id }, 'du-thao-nghi-quyet-chuyen-doi-so.pdf',
    await renderTextPdf({
      header: 'ĐẢNG BỘ TỈNH HÒA BÌNH',
      title: 'DỰ THẢO NGHỊ QUYẾT',
      subtitle: 'về đẩy mạnh chuyển đổi số, nâng cao tỷ lệ hồ sơ giải quyết trực tuyến giai đoạn 2021 – 2025',
      paragraphs: [
        'Ban Chấp hành Đảng bộ tỉnh ban hành nghị quyết về chuyển đổi số với các mục tiêu, nhiệm vụ và giải pháp sau đây.',
        PAGE_BREAK,
        ...targets,
        PAGE_BREAK,
        'Nghị quyết này được phổ biến đến chi bộ và đảng viên. Ban Thường vụ Tỉnh ủy chỉ đạo, kiểm tra việc thực hiện nghị quyết.',
      ],
    }));
  await upload({ title: 'Tờ trình về việc ban hành Nghị quyết chuyển đổi số', kind: 'submission', agendaItemId: resolution.id }, 'to-trinh-nghi-quyet.pdf',
    await renderTextPdf({ header: 'UBND TỈNH HÒA BÌNH', title: 'TỜ TRÌNH', subtitle: 'Về việc ban hành Nghị quyết về chuyển đổi số', paragraphs: await paragraphs('province-e-government-conference-2018.txt') }));
  await upload({ title: 'Báo cáo đánh giá thực hiện Chỉ thị số 21-CT/TU và phòng họp không giấy', kind: 'report', agendaItemId: paperless.id, confidentiality: 'confidential', audience: 'delegates' }, 'bao-cao-chi-thi-21.pdf',
    await renderTextPdf({ header: 'VĂN PHÒNG TỈNH ỦY', title: 'BÁO CÁO (MẬT)', subtitle: 'Đánh giá việc thực hiện Chỉ thị số 21-CT/TU', paragraphs: await paragraphs('hoa-binh-paperless-meetings.txt') }));
  await upload({ title: 'Tài liệu tham khảo: kinh nghiệm của tỉnh Lâm Đồng', kind: 'reference' }, 'tham-khao-lam-dong.pdf',
    await renderTextPdf({ title: 'Tài liệu tham khảo', subtitle: 'Ứng dụng công nghệ thông tin trong quản lý nhà nước tại Lâm Đồng', paragraphs: await paragraphs('lam-dong-it-in-state-management-2017.txt') }));

  const halls = await endpointService.list({ active: true });
  for (const hall of halls.filter((e) => e.level !== 'commune' || e.name.includes('Pà Cò'))) {
    await endpointService.addToMeeting(secretary, meeting.id, hall.id);
  }

  await meetingService.transition(secretary, meeting.id, 'published');
  log.info({ meetingId: meeting.id }, 'demo meeting created');
}
