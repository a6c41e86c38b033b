/** Typed calls of the identity API: sessions, units, users. Answers are typed by the routes' response schemas. */
import type {
  SessionInfo,
  UnitCreate,
  UnitDto,
  UnitEnvelope,
  UnitListEnvelope,
  UnitUpdate,
  UserCreate,
  UserDto,
  UserEnvelope,
  UserListQuery,
  UserPage,
  UserUpdate,
} from '$contract/identity.ts';
import { api, request } from './client.ts';

export type { SessionInfo, UserPage };

export const authApi = {
  login: (username: string, password: string) => api.post<SessionInfo>('/auth/login', { username, password }, { on401: 'throw' }),
  me: (fetcher?: typeof fetch) => request<SessionInfo>('/auth/me', { on401: 'throw', ...(fetcher ? { fetch: fetcher } : {}) }),
  logout: () => api.post<void>('/auth/logout', undefined, { on401: 'throw' }),
  logoutEverywhere: () => api.post<void>('/auth/logout-everywhere', undefined, { on401: 'throw' }),
};

export const unitsApi = {
  list: async (): Promise<UnitDto[]> => (await api.get<UnitListEnvelope>('/units')).units,
  create: async (body: UnitCreate): Promise<UnitDto> => (await api.post<UnitEnvelope>('/units', body)).unit,
  update: async (id: string, body: UnitUpdate): Promise<UnitDto> => (await api.patch<UnitEnvelope>(`/units/${encodeURIComponent(id)}`, body)).unit,
};

export const usersApi = {
  list: (query: UserListQuery, signal?: AbortSignal) => api.get<UserPage>('/users', { query, ...(signal ? { signal } : {}) }),
  get: async (id: string): Promise<UserDto> => (await api.get<UserEnvelope>(`/users/${encodeURIComponent(id)}`)).user,
  create: async (body: UserCreate): Promise<UserDto> => (await api.post<UserEnvelope>('/users', body)).user,
  update: async (id: string, body: UserUpdate): Promise<UserDto> => (await api.patch<UserEnvelope>(`/users/${encodeURIComponent(id)}`, body)).user,
  resetPassword: (id: string, password: string) => api.post<void>(`/users/${encodeURIComponent(id)}/password`, { password }),
};
