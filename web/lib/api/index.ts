export { ApiError, api, request, errorMessage, isApiError, setUnauthenticatedHandler, API_BASE } from './client.ts';
export type { ErrorBody, ServerIssue, RequestOptions } from './client.ts';
export { authApi, unitsApi, usersApi } from './identity.ts';
export type { SessionInfo, UserPage } from './identity.ts';
