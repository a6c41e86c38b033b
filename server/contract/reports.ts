/**
 * The organising unit's figures (báo cáo số liệu): what the province's digital
 * transformation reports count, for a period and a unit with the units below
 * it. Meetings held paperless, documents put online instead of printed, pages
 * delivered to tablets, and attendance per unit of the members.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid } from './common.ts';

/** A calendar day; years 1900–2199 only, as elsewhere. */
const Day = Type.String({ format: 'date', maxLength: 10, pattern: '^(19|2[01])[0-9]{2}-' });

export const ReportQuery = Type.Object(
  {
    /** first day of the period (default: 1 January of this year) */
    from: Type.Optional(Day),
    /** last day of the period, included (default: today) */
    to: Type.Optional(Day),
    /** the unit and every unit below it (default: every unit the caller serves) */
    unitId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

export const MonthFigure = Type.Object({ month: Type.String(), held: Type.Integer(), documents: Type.Integer() });
export type MonthFigure = Static<typeof MonthFigure>;

export const UnitAttendance = Type.Object({
  unitId: Uuid,
  unitName: Type.String(),
  /** voting members invited to the meetings that were held */
  expected: Type.Integer(),
  present: Type.Integer(),
  absent: Type.Integer(),
  /** absent, represented by a proxy */
  represented: Type.Integer(),
  /** not marked at all */
  unmarked: Type.Integer(),
  /** present ÷ expected, in percent with one decimal; null when nobody was expected */
  presentPercent: Nullable(Type.Number()),
});
export type UnitAttendance = Static<typeof UnitAttendance>;

export const ReportSummary = Type.Object({
  from: Type.String(),
  to: Type.String(),
  unitId: Nullable(Uuid),
  meetings: Type.Object({
    /** closed: held from agenda to result on tablets */
    held: Type.Integer(),
    /** published or in session, not yet closed */
    upcoming: Type.Integer(),
    byKind: Type.Array(Type.Object({ kind: Type.String(), held: Type.Integer() })),
  }),
  documents: Type.Object({
    /** documents with a version readers get, in the meetings of the period */
    online: Type.Integer(),
    pages: Type.Integer(),
    /** pages × readers entitled to them: the sheets a paper meeting would have printed */
    pagesDelivered: Type.Integer(),
  }),
  byMonth: Type.Array(MonthFigure),
  attendance: Type.Array(UnitAttendance),
});
export type ReportSummary = Static<typeof ReportSummary>;
