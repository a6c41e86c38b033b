/**
 * The demo province, in either unit tree:
 * - three-level (before 1 July 2025): a Hòa Bình-like province with its
 *   offices and its ten districts (city and nine rural districts, as after the
 *   2019 merger) with a few communes each;
 * - two-level (today's Vietnam): Phú Thọ after the merger that took in Hòa
 *   Bình, its communes and wards directly under the province, no district.
 * Both carry the same accounts (usernames and password), one person for each
 * global role. The names of places are real; the people are invented.
 */
import type { DemoStructure } from '../../config.ts';
import type { GlobalRole, UnitLevel } from '../../contract/identity.ts';

export const DEMO_PASSWORD = 'HoaBinh@2026';

export const PROVINCE = { name: 'Tỉnh Hòa Bình', code: 'HB' };

/** Offices at province level, under the province. */
export const PROVINCE_OFFICES = [
  { name: 'Văn phòng Tỉnh ủy', code: 'HB-VPTU' },
  { name: 'Văn phòng UBND tỉnh', code: 'HB-VPUB' },
  { name: 'Sở Thông tin và Truyền thông', code: 'HB-STTTT' },
  { name: 'Sở Nội vụ', code: 'HB-SNV' },
];

export const DISTRICTS: { name: string; code: string; communes: string[] }[] = [
  { name: 'Thành phố Hòa Bình', code: 'HB-TP', communes: ['Phường Phương Lâm', 'Phường Đồng Tiến', 'Phường Tân Thịnh', 'Xã Yên Mông'] },
  { name: 'Huyện Cao Phong', code: 'HB-CP', communes: ['Thị trấn Cao Phong', 'Xã Bắc Phong', 'Xã Thu Phong', 'Xã Tân Phong'] },
  { name: 'Huyện Đà Bắc', code: 'HB-DB', communes: ['Thị trấn Đà Bắc', 'Xã Tú Lý', 'Xã Hiền Lương', 'Xã Cao Sơn'] },
  { name: 'Huyện Kim Bôi', code: 'HB-KB', communes: ['Thị trấn Bo', 'Xã Vĩnh Đồng', 'Xã Nam Thượng', 'Xã Kim Lập'] },
  { name: 'Huyện Lạc Sơn', code: 'HB-LS', communes: ['Thị trấn Vụ Bản', 'Xã Ân Nghĩa', 'Xã Yên Nghiệp', 'Xã Mỹ Thành'] },
  { name: 'Huyện Lạc Thủy', code: 'HB-LT', communes: ['Thị trấn Chi Nê', 'Thị trấn Ba Hàng Đồi', 'Xã Phú Nghĩa', 'Xã Đồng Tâm'] },
  { name: 'Huyện Lương Sơn', code: 'HB-LSO', communes: ['Thị trấn Lương Sơn', 'Xã Cư Yên', 'Xã Hòa Sơn', 'Xã Nhuận Trạch'] },
  { name: 'Huyện Mai Châu', code: 'HB-MC', communes: ['Thị trấn Mai Châu', 'Xã Chiềng Châu', 'Xã Pà Cò', 'Xã Vạn Mai'] },
  { name: 'Huyện Tân Lạc', code: 'HB-TL', communes: ['Thị trấn Mãn Đức', 'Xã Phong Phú', 'Xã Mỹ Hòa', 'Xã Ngổ Luông'] },
  { name: 'Huyện Yên Thủy', code: 'HB-YT', communes: ['Thị trấn Hàng Trạm', 'Xã Lạc Thịnh', 'Xã Phú Lai', 'Xã Bảo Hiệu'] },
];


/** Two-level Phú Thọ (since 1 July 2025): communes and wards directly under the province. */
export const TWO_LEVEL_PROVINCE = { name: 'Tỉnh Phú Thọ', code: 'PT' };

export const TWO_LEVEL_OFFICES = PROVINCE_OFFICES.map((office) => ({ name: office.name, code: office.code.replace(/^HB-/, 'PT-') }));

export const TWO_LEVEL_COMMUNES: { name: string; code: string }[] = [
  { name: 'Phường Việt Trì', code: 'PT-VT' },
  { name: 'Phường Hòa Bình', code: 'PT-HB' },
  { name: 'Phường Kỳ Sơn', code: 'PT-KS' },
  { name: 'Phường Tân Hòa', code: 'PT-TH' },
  { name: 'Xã Cao Phong', code: 'PT-CP' },
  { name: 'Xã Đà Bắc', code: 'PT-DB' },
  { name: 'Xã Kim Bôi', code: 'PT-KB' },
  { name: 'Xã Lạc Sơn', code: 'PT-LS' },
  { name: 'Xã Lạc Thủy', code: 'PT-LT' },
  { name: 'Xã Lương Sơn', code: 'PT-LSO' },
  { name: 'Xã Mai Châu', code: 'PT-MC' },
  { name: 'Xã Pà Cò', code: 'PT-PC' },
  { name: 'Xã Tân Lạc', code: 'PT-TL' },
  { name: 'Xã Yên Thủy', code: 'PT-YT' },
  { name: 'Xã Tú Lý', code: 'PT-TLY' },
];

export type DemoUser = {
  username: string;
  fullName: string;
  title: string;
  role: GlobalRole;
  /** unit name: a province office, a district, or a commune */
  unit: string;
  /** what this account is for, printed by `npm start` */
  purpose: string;
};

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', fullName: 'Trần Quang Vinh', title: 'Quản trị hệ thống', role: 'admin', unit: 'Sở Thông tin và Truyền thông', purpose: 'quản trị (admin)' },
  { username: 'thuky', fullName: 'Nguyễn Thị Thu Hà', title: 'Chuyên viên Văn phòng Tỉnh ủy', role: 'secretary', unit: 'Văn phòng Tỉnh ủy', purpose: 'thư ký (secretariat)' },
  { username: 'bithu', fullName: 'Hoàng Văn Minh', title: 'Bí thư Tỉnh ủy', role: 'user', unit: 'Văn phòng Tỉnh ủy', purpose: 'chủ trì (chair)' },
  { username: 'phobithu', fullName: 'Quách Thị Lan', title: 'Phó Bí thư Thường trực Tỉnh ủy', role: 'user', unit: 'Văn phòng Tỉnh ủy', purpose: 'đại biểu (delegate)' },
  { username: 'chutich', fullName: 'Bùi Đức Thắng', title: 'Chủ tịch UBND tỉnh', role: 'user', unit: 'Văn phòng UBND tỉnh', purpose: 'đại biểu (delegate)' },
  { username: 'giamdoc.noivu', fullName: 'Đinh Công Sơn', title: 'Giám đốc Sở Nội vụ', role: 'user', unit: 'Sở Nội vụ', purpose: 'đại biểu (delegate)' },
  { username: 'caophong.bithu', fullName: 'Đinh Thị Hồng', title: 'Bí thư Huyện ủy Cao Phong', role: 'user', unit: 'Huyện Cao Phong', purpose: 'đại biểu cấp huyện (district delegate)' },
  { username: 'maichau.bithu', fullName: 'Xa Văn Tùng', title: 'Bí thư Huyện ủy Mai Châu', role: 'user', unit: 'Huyện Mai Châu', purpose: 'đại biểu cấp huyện (district delegate)' },
  { username: 'paco.chutich', fullName: 'Lò Thị Mai', title: 'Chủ tịch UBND xã Pà Cò', role: 'user', unit: 'Xã Pà Cò', purpose: 'đại biểu cấp xã (commune delegate)' },
  { username: 'khach', fullName: 'Phạm Minh Tuấn', title: 'Phóng viên Báo Hòa Bình', role: 'user', unit: 'Văn phòng Tỉnh ủy', purpose: 'khách mời (guest)' },
  { username: 'diemcau.tinh', fullName: 'Điểm cầu Hội trường Tỉnh ủy', title: 'Tài khoản điểm cầu', role: 'user', unit: 'Văn phòng Tỉnh ủy', purpose: 'điểm cầu tỉnh (province endpoint)' },
  { username: 'diemcau.caophong', fullName: 'Điểm cầu huyện Cao Phong', title: 'Tài khoản điểm cầu', role: 'user', unit: 'Huyện Cao Phong', purpose: 'điểm cầu huyện (district endpoint)' },
  { username: 'diemcau.paco', fullName: 'Điểm cầu xã Pà Cò', title: 'Tài khoản điểm cầu', role: 'user', unit: 'Xã Pà Cò', purpose: 'điểm cầu xã (commune endpoint)' },
];

/** Conference endpoints (điểm cầu): the province hall, every district hall, a few communes. */
export type DemoEndpoint = { name: string; level: UnitLevel; unit: string; account?: string };

export const DEMO_ENDPOINTS: DemoEndpoint[] = [
  { name: 'Hội trường Tỉnh ủy Hòa Bình', level: 'province', unit: 'Văn phòng Tỉnh ủy', account: 'diemcau.tinh' },
  ...DISTRICTS.map((d) => ({
    name: `Điểm cầu ${d.name.replace(/^Huyện /, 'huyện ').replace(/^Thành phố /, 'thành phố ')}`,
    level: 'district' as const,
    unit: d.name,
    ...(d.name === 'Huyện Cao Phong' ? { account: 'diemcau.caophong' } : {}),
  })),
  { name: 'Điểm cầu xã Pà Cò', level: 'commune', unit: 'Xã Pà Cò', account: 'diemcau.paco' },
  { name: 'Điểm cầu xã Tú Lý', level: 'commune', unit: 'Xã Tú Lý' },
  { name: 'Điểm cầu thị trấn Bo', level: 'commune', unit: 'Thị trấn Bo' },
];

/** The two-level province's people: the district leaders of the old tree lead the merged communes now. */
export const TWO_LEVEL_USERS: DemoUser[] = DEMO_USERS.map((user) => {
  switch (user.username) {
    case 'caophong.bithu':
      return { ...user, title: 'Bí thư Đảng ủy xã Cao Phong', unit: 'Xã Cao Phong', purpose: 'đại biểu cấp xã (commune delegate)' };
    case 'maichau.bithu':
      return { ...user, title: 'Bí thư Đảng ủy xã Mai Châu', unit: 'Xã Mai Châu', purpose: 'đại biểu cấp xã (commune delegate)' };
    case 'diemcau.caophong':
      return { ...user, fullName: 'Điểm cầu xã Cao Phong', unit: 'Xã Cao Phong', purpose: 'điểm cầu xã (commune endpoint)' };
    case 'khach':
      return { ...user, title: 'Phóng viên Báo Phú Thọ' };
    default:
      return user;
  }
});

/** Two-level endpoints: the province hall and every commune and ward (a province conference links them all). */
export const TWO_LEVEL_ENDPOINTS: DemoEndpoint[] = [
  { name: 'Hội trường Tỉnh ủy Phú Thọ', level: 'province', unit: 'Văn phòng Tỉnh ủy', account: 'diemcau.tinh' },
  ...TWO_LEVEL_COMMUNES.map((c) => ({
    name: `Điểm cầu ${c.name.replace(/^Xã /, 'xã ').replace(/^Phường /, 'phường ')}`,
    level: 'commune' as const,
    unit: c.name,
    ...(c.name === 'Xã Cao Phong' ? { account: 'diemcau.caophong' } : c.name === 'Xã Pà Cò' ? { account: 'diemcau.paco' } : {}),
  })),
];

/** One unit to create: parents come before children, by name. */
export type DemoUnit = { name: string; code: string | null; level: UnitLevel; parent: string | null };

export type DemoTree = { structure: DemoStructure; province: string; units: DemoUnit[]; users: DemoUser[]; endpoints: DemoEndpoint[] };

/** The units, people and endpoints of the demo in the chosen structure. */
export function demoTree(structure: DemoStructure): DemoTree {
  if (structure === 'three-level') {
    const units: DemoUnit[] = [
      { name: PROVINCE.name, code: PROVINCE.code, level: 'province', parent: null },
      ...PROVINCE_OFFICES.map((o) => ({ ...o, level: 'province' as const, parent: PROVINCE.name })),
      ...DISTRICTS.flatMap((d) => [
        { name: d.name, code: d.code, level: 'district' as const, parent: PROVINCE.name },
        ...d.communes.map((name) => ({ name, code: null, level: 'commune' as const, parent: d.name })),
      ]),
    ];
    return { structure, province: PROVINCE.name, units, users: DEMO_USERS, endpoints: DEMO_ENDPOINTS };
  }
  const units: DemoUnit[] = [
    { name: TWO_LEVEL_PROVINCE.name, code: TWO_LEVEL_PROVINCE.code, level: 'province', parent: null },
    ...TWO_LEVEL_OFFICES.map((o) => ({ ...o, level: 'province' as const, parent: TWO_LEVEL_PROVINCE.name })),
    ...TWO_LEVEL_COMMUNES.map((c) => ({ ...c, level: 'commune' as const, parent: TWO_LEVEL_PROVINCE.name })),
  ];
  return { structure, province: TWO_LEVEL_PROVINCE.name, units, users: TWO_LEVEL_USERS, endpoints: TWO_LEVEL_ENDPOINTS };
}
