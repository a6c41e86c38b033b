/**
 * How a number, a symbol and a date are written (Decree 30/2020/NĐ-CP,
 * Appendix I; Guide 36-HD/VPTW for Party bodies).
 */
import type { IssuerKind, OfficialDocument } from '../../contract/official-documents.ts';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The symbol after the number: state "BB-UBND" (type, hyphen, body), Party "BB/TU" (type, slash, body). */
export function symbolFor(kind: IssuerKind, typeCode: string, issuerCode: string): string {
  return kind === 'party' ? `${typeCode}/${issuerCode}` : `${typeCode}-${issuerCode}`;
}

/**
 * The number line: state "Số: 07/BB-UBND" (padded to two digits below 10),
 * Party "Số 123-BB/TU". A draft leaves the number blank for the clerk.
 */
export function numberLine(doc: Pick<OfficialDocument, 'issuerKind' | 'typeCode' | 'number'>): string {
  if (doc.issuerKind === 'party') return doc.number === undefined ? `Số      -${doc.typeCode}` : `Số ${doc.number.number}-${doc.number.symbol}`;
  return doc.number === undefined ? `Số:       /${doc.typeCode}` : `Số: ${pad2(doc.number.number)}/${doc.number.symbol}`;
}

/** "Hà Tĩnh, ngày 05 tháng 12 năm 2026": the day below 10 and the months 1–2 padded with 0. */
export function placeAndDate(place: string, isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const monthText = month <= 2 ? pad2(month) : String(month);
  return `${place}, ngày ${pad2(day)} tháng ${monthText} năm ${year}`;
}

/** The register's year: the calendar year of the document's date. */
export const yearOf = (isoDate: string) => Number(isoDate.slice(0, 4));
