/** How numbers, symbols, dates and recipients are written (Decree 30/2020/NĐ-CP, Appendix I; Guide 36-HD/VPTW). */
import { describe, expect, it } from 'vitest';
import { numberLine, placeAndDate, symbolFor } from '../../server/modules/official-docs/numbering.ts';
import { authorityLine, recipientLines } from '../../server/modules/official-docs/render-pdf.ts';
import { columnWidths } from '../../server/modules/official-docs/pdf-table.ts';

describe('official document numbering and wording', () => {
  it('writes state numbers padded to two digits with a slash, Party numbers with a hyphen', () => {
    expect(numberLine({ issuerKind: 'state', typeCode: 'BB', number: { number: 7, symbol: symbolFor('state', 'BB', 'UBND') } })).toBe('Số: 07/BB-UBND');
    expect(numberLine({ issuerKind: 'state', typeCode: 'TB', number: { number: 123, symbol: 'TB-VP' } })).toBe('Số: 123/TB-VP');
    expect(numberLine({ issuerKind: 'party', typeCode: 'TB', number: { number: 123, symbol: symbolFor('party', 'TB', 'TU') } })).toBe('Số 123-TB/TU');
    // a draft leaves the number for the clerk
    expect(numberLine({ issuerKind: 'state', typeCode: 'BB' })).toMatch(/^Số:\s+\/BB$/);
  });

  it('pads the day below 10 and the months 1 and 2 only', () => {
    expect(placeAndDate('Hà Tĩnh', '2026-12-05')).toBe('Hà Tĩnh, ngày 05 tháng 12 năm 2026');
    expect(placeAndDate('Hòa Bình', '2027-01-04')).toBe('Hòa Bình, ngày 04 tháng 01 năm 2027');
    expect(placeAndDate('Hòa Bình', '2027-02-28')).toBe('Hòa Bình, ngày 28 tháng 02 năm 2027');
    expect(placeAndDate('Hòa Bình', '2027-03-15')).toBe('Hòa Bình, ngày 15 tháng 3 năm 2027');
  });

  it('writes the signer authority line and the recipients in the decree form', () => {
    expect(authorityLine({ capacity: 'TM.', onBehalfOf: 'Ủy ban nhân dân', position: 'Chủ tịch', name: 'A' })).toBe('TM. ỦY BAN NHÂN DÂN');
    expect(authorityLine({ capacity: 'KT.', onBehalfOf: 'Chủ tịch', position: 'Phó Chủ tịch', name: 'A' })).toBe('KT. CHỦ TỊCH');
    expect(authorityLine({ capacity: '', onBehalfOf: '', position: 'Thư ký', name: 'A' })).toBe('');
    expect(recipientLines(['Thường trực Tỉnh ủy;', '- Các sở, ban, ngành', 'Lưu: VT, TH'])).toEqual(['- Thường trực Tỉnh ủy;', '- Các sở, ban, ngành;', '- Lưu: VT, TH.']);
  });

  it('keeps a short table column narrow and fills the width', () => {
    const widths = columnWidths(['STT', 'Họ và tên', 'Đơn vị'], [['1', 'Nguyễn Thị Hương', 'Văn phòng Ủy ban nhân dân tỉnh Hòa Bình']], 400);
    expect(widths.reduce((a, b) => a + b, 0)).toBeCloseTo(400);
    expect(widths[0]!).toBeLessThan(widths[1]!);
    expect(widths[1]!).toBeLessThan(widths[2]!);
  });
});
