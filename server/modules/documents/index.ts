/**
 * The documents module: a meeting's documents, their versions, pages, text
 * search, readers and revocations; uploads inspected in the PDF worker pool.
 * Owns the documents tables and the files under DATA_DIR/documents; asks the
 * meetings module who may see a meeting and who takes part in it.
 */
import { defineModule } from '../module.ts';
import { documentRoutes } from './routes.ts';
import { DocumentService, type DocumentMeetings, type DocumentNotifications } from './service.ts';

export const documentsModule = defineModule<{ meetings: DocumentMeetings; notifications: DocumentNotifications }, DocumentService>({
  name: 'documents',
  create: ({ db, config, log, events }, { meetings, notifications }) =>
    new DocumentService(db, meetings, notifications, { dataDir: config.dataDir, uploadLimitBytes: config.uploadLimitBytes, log, events }),
  routes: (service, { config }) => documentRoutes(service, config.uploadLimitBytes),
  close: (service) => service.close(),
});

export { DocumentService } from './service.ts';
