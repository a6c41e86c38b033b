/**
 * The record module (issue 12): the secretary's notes and the chair's
 * conclusions per agenda item, tasks given to units, and the minutes (BB) and
 * conclusion notice (TB) drafts as versioned OfficialDocuments, approved by
 * the meeting's chair. Owns the record_* tables; reads the meeting, its
 * attendance and speeches, polls, documents, names and units through those
 * modules' index APIs. Rendering, signing and delivery (other modules) take
 * the approved document from `RecordService.approvedDocument`.
 */
import { defineModule } from '../module.ts';
import type { RecordDeps } from './deps.ts';
import { recordRoutes } from './routes.ts';
import { RecordService } from './service.ts';

export const recordModule = defineModule<RecordDeps, RecordService>({
  name: 'record',
  create: ({ db }, deps) => new RecordService(db, deps),
  routes: (record) => recordRoutes(record),
});

export { RecordService } from './service.ts';
export type { RecordDeps } from './deps.ts';
