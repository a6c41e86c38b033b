/**
 * The content of an official document (biên bản, thông báo kết luận, giấy mời)
 * as data, independent of how it is rendered. The minutes and notice drafts
 * are edited in this shape, the renderer turns it into a PDF or a .docx laid
 * out by Decree 30/2020/NĐ-CP (state bodies) or Guide 36-HD/VPTW (Party
 * bodies), and the signer places signatures in the slots the renderer reports.
 * See ../shared/official-documents.md.
 */
import Type, { type Static } from 'typebox';

const Text = (maxLength: number) => Type.String({ maxLength });

/** One block of the body. Facts taken from the meeting's record carry `source`, so an editor can keep them linked. */
export const DocumentBlock = Type.Union([
  Type.Object({ kind: Type.Literal('heading'), text: Text(500), source: Type.Optional(Text(200)) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('paragraph'), text: Text(20_000), source: Type.Optional(Text(200)) }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('list'), items: Type.Array(Text(5_000), { maxItems: 500 }), source: Type.Optional(Text(200)) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('table'),
      header: Type.Array(Text(200), { maxItems: 12 }),
      rows: Type.Array(Type.Array(Text(2_000), { maxItems: 12 }), { maxItems: 2_000 }),
      source: Type.Optional(Text(200)),
    },
    { additionalProperties: false },
  ),
]);
export type DocumentBlock = Static<typeof DocumentBlock>;

/** State bodies carry the national title and motto; Party bodies "ĐẢNG CỘNG SẢN VIỆT NAM". */
export const IssuerKind = Type.Union([Type.Literal('state'), Type.Literal('party')]);
export type IssuerKind = Static<typeof IssuerKind>;

/** Who signs and in what capacity: TM. (on behalf of a collective), KT. (deputy for the head), TL., TUQ., Q. or none. */
export const SignatureBlock = Type.Object(
  {
    capacity: Type.Union([Type.Literal(''), Type.Literal('TM.'), Type.Literal('KT.'), Type.Literal('TL.'), Type.Literal('TUQ.'), Type.Literal('Q.')]),
    /** the collective or the head signed for, e.g. "BAN THƯỜNG VỤ", "CHỦ TỊCH" */
    onBehalfOf: Text(200),
    /** the signer's position, e.g. "PHÓ CHỦ TỊCH", "THƯ KÝ" */
    position: Text(200),
    name: Text(200),
  },
  { additionalProperties: false },
);
export type SignatureBlock = Static<typeof SignatureBlock>;

export const OfficialDocument = Type.Object(
  {
    issuerKind: IssuerKind,
    /** the body above the issuer (state: "UBND TỈNH …"; Party: "TỈNH ỦY …"), may be empty */
    parentIssuer: Text(200),
    issuer: Text(200),
    /** the document type's symbol in the number, e.g. "BB" (biên bản), "TB" (thông báo), "GM" (giấy mời) */
    typeCode: Text(10),
    /** the type's name as printed above the title, e.g. "BIÊN BẢN" */
    typeName: Text(100),
    /** trích yếu */
    title: Text(1_000),
    /** issued number and symbol, e.g. { number: 12, symbol: "BB-UBND" }; absent on a draft */
    number: Type.Optional(Type.Object({ number: Type.Integer({ minimum: 1 }), symbol: Text(50) }, { additionalProperties: false })),
    place: Text(100),
    /** ISO date (YYYY-MM-DD) */
    date: Type.String({ format: 'date' }),
    blocks: Type.Array(DocumentBlock, { maxItems: 5_000 }),
    /** one block per signer, left to right (e.g. secretary then chair on minutes) */
    signatures: Type.Array(SignatureBlock, { maxItems: 4 }),
    /** Nơi nhận */
    recipients: Type.Array(Text(300), { maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type OfficialDocument = Static<typeof OfficialDocument>;

/** Where the renderer left room for a signature: the signer's visible appearance goes there. PDF points, origin bottom-left. */
export type SignatureSlot = { signer: number; page: number; x: number; y: number; width: number; height: number };
