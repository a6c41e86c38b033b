export { i18n, format, LocaleState, LANG_COOKIE } from './locale.svelte.ts';
export { describeFieldIssue } from './issues.ts';
export type { Dictionary } from './vi.ts';
