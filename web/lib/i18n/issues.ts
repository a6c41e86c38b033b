/**
 * Messages for one field's validation problem, shown next to the field (so,
 * unlike the server's describeIssue, without the field's name in front).
 * Mirrors the server's rules in server/i18n/messages.ts, with friendlier
 * wording for the formats people get wrong most often.
 */
import type { ValidationIssue } from '$contract/validation.ts';
import { format } from './locale.svelte.ts';
import type { Dictionary } from './vi.ts';

/** Fields picked from a list rather than typed. */
const CHOICE_FIELDS = new Set([
  'unitId',
  'parentId',
  'level',
  'role',
  'locale',
  'active',
  'kind',
  'organizerUnitId',
  'confidentiality',
  'audience',
  'agendaItemId',
  'userId',
  'presenterUserId',
  'proxyUserId',
  'readerIds',
]);
/** Fields whose `pattern` rule has a specific explanation. */
const PATTERN_MESSAGES: Record<string, keyof Dictionary['validation']> = {
  username: 'username',
  phone: 'phone',
  code: 'code',
  name: 'name',
  fullName: 'name',
  title: 'name',
};

function lastSegment(field: string): string {
  return field.split('.').at(-1) ?? field;
}

export function describeFieldIssue(issue: ValidationIssue, m: Dictionary): string {
  const v = m.validation;
  const field = lastSegment(issue.field);
  const choice = CHOICE_FIELDS.has(field);
  const n = issue.expected ?? '';
  switch (issue.rule) {
    case 'required':
      return choice ? v.choose : v.required;
    case 'unknown':
      return v.unknown;
    case 'type':
      return choice ? v.choose : v.type;
    case 'minLength':
      return format(v.minLength, { n });
    case 'maxLength':
      return format(v.maxLength, { n });
    case 'minimum':
      return format(v.minimum, { n });
    case 'maximum':
      return format(v.maximum, { n });
    case 'pattern': {
      const key = PATTERN_MESSAGES[field];
      return key === undefined ? v.format : v[key];
    }
    case 'format':
      if (choice || issue.expected === 'uuid') return v.choose;
      if (issue.expected === 'email' || field === 'email') return v.email;
      return v.format;
    case 'enum':
      return choice ? v.choose : v.enum;
    default:
      return v.invalid;
  }
}
