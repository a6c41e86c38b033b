export {
  ApiError,
  api,
  request,
  errorMessage,
  isApiError,
  setUnauthenticatedHandler,
  API_BASE,
  apiUrl,
  reportUnauthenticated,
  toApiError,
} from './client.ts';
export type { ErrorBody, ServerIssue, RequestOptions } from './client.ts';
export { authApi, unitsApi, usersApi } from './identity.ts';
export type { SessionInfo, UserPage } from './identity.ts';
export { meetingsApi, participantsApi, agendaApi } from './meetings.ts';
export { endpointsApi } from './endpoints.ts';
export type { MeetingPage, Agenda } from './meetings.ts';
export { documentsApi, documentFiles, uploadsApi, searchApi } from './documents.ts';
export type { UploadProgress, UploadHandle, UploadFields } from './documents.ts';
export { notificationsApi } from './notifications.ts';
export type { NotificationList } from './notifications.ts';
