/**
 * The official-docs module: official documents (biên bản, thông báo kết luận,
 * giấy mời) rendered to PDF and .docx by Decree 30/2020/NĐ-CP or Guide
 * 36-HD/VPTW, and issued under a number from the issuing unit's register.
 * Owns the document_number_registers and issued_documents tables; reads the
 * meeting's access rule through the meetings module.
 */
import { defineModule } from '../module.ts';
import { officialDocRoutes } from './routes.ts';
import { OfficialDocsService, type OfficialDocsMeetings } from './service.ts';

export const officialDocsModule = defineModule<{ meetings: OfficialDocsMeetings }, OfficialDocsService>({
  name: 'official-docs',
  create: ({ db }, { meetings }) => new OfficialDocsService(db, meetings),
  routes: (docs) => officialDocRoutes(docs),
});

export { OfficialDocsService, takeNumber, type OfficialDocsMeetings, type StoredSignature } from './service.ts';
export { renderPdf, SIGNATURE_SPACE, type RenderedPdf } from './render-pdf.ts';
export { renderDocx } from './render-docx.ts';
export { numberLine, placeAndDate, symbolFor } from './numbering.ts';
