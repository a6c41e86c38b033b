export * from './identity.ts';
export * from './meetings.ts';
