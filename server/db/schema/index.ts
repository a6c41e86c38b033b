export * from './identity.ts';
export * from './meetings.ts';
export * from './documents.ts';
export * from './notifications.ts';
export * from './conference.ts';
export * from './live.ts';
export * from './annotations.ts';
export * from './conference-state.ts';
