/**
 * The documents module: a meeting's documents, their versions, pages, text
 * search, readers and revocations; uploads inspected, thumbnails drawn and
 * confidential copies stamped in the PDF worker pool. Owns the documents
 * tables and the files under DATA_DIR/documents; asks the meetings module who
 * may see a meeting and who takes part in it, and the units module the unit a
 * reader's stamp names, and the signatures module whether a signed file's
 * signatures hold.
 */
import { rooms } from '../../contract/realtime.ts';
import { MemoryFiles } from '../../lib/http/memory-files.ts';
import { defineModule } from '../module.ts';
import type { DocumentUnits } from './copies.ts';
import { documentRoutes } from './routes.ts';
import { DocumentService, type DocumentMeetings, type DocumentNotifications } from './service.ts';
import type { SignatureVerifier } from './signature-check.ts';

/** Larger files are streamed from disk even when memory is free: one would crowd out the rest. */
const MEMORY_MAX_FILE_BYTES = 64 * 1024 * 1024;

export const documentsModule = defineModule<{ meetings: DocumentMeetings; notifications: DocumentNotifications; units: DocumentUnits; signatures: SignatureVerifier }, DocumentService>({
  name: 'documents',
  create: async ({ db, config, log, events }, { meetings, notifications, units, signatures }) => {
    const service = new DocumentService(db, meetings, notifications, {
      dataDir: config.dataDir,
      uploadLimitBytes: config.uploadLimitBytes,
      log,
      events,
      units,
      signatures,
      accessCacheMs: config.documentAccessCacheMs,
      pool: { threads: config.pdfWorkers, queueLimit: config.pdfQueueLimit },
    });
    await service.start();
    return service;
  },
  routes: (service, { config }) =>
    documentRoutes(
      service,
      config.uploadLimitBytes,
      config.fileDelivery === 'x-accel' ? { mode: 'x-accel', prefix: config.fileAccelPrefix, dataDir: config.dataDir } : { mode: 'direct', memory: new MemoryFiles({ budgetBytes: config.documentMemoryBytes, maxFileBytes: MEMORY_MAX_FILE_BYTES }) },
    ),
  subscribe: (_service, { events, io }) => {
    events.on('document.revoked', ({ documentId, userId }) => io.to(rooms.user(userId)).emit('document:revoked', { documentId }));
  },
  close: (service) => service.close(),
});

export { DocumentService } from './service.ts';
