import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { UserCreate } from '../../server/contract/identity.ts';
import { foldVietnamese } from '../../server/contract/text.ts';
import { compileValidator } from '../../server/contract/validation.ts';
import { describeIssue, pickLocale } from '../../server/i18n/messages.ts';

describe('Vietnamese folding for search', () => {
  it.each([
    ['Nghị quyết', 'nghi quyet'],
    ['ĐẢNG ỦY xã Pà Cò', 'dang uy xa pa co'],
    ['Hòa  Bình', 'hoa binh'],
    // Same text typed with combining marks (as some keyboards do) folds the same way.
    ['Nghi\u0323 quyê\u0301t', 'nghi quyet'],
  ])('%s → %s', (input, expected) => {
    expect(foldVietnamese(input)).toBe(expected);
  });
});

describe('shared validation', () => {
  const validator = compileValidator(UserCreate);
  const good = { username: 'caophong.pct', fullName: 'Đinh Văn Tú', unitId: '6f1c1c61-6a70-4a43-9b8b-2b1f1f1a0a0a', role: 'user', password: 'MatKhau#2026' };

  it('accepts a well-formed user', () => {
    expect(validator.check(good)).toEqual({ ok: true, value: good });
  });

  it('names unknown, missing and mistyped fields once each', () => {
    const { unitId: _omitted, ...withoutUnit } = good;
    const result = validator.check({ ...withoutUnit, fullName: 7, isAdmin: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        { field: 'fullName', rule: 'type', expected: 'string' },
        { field: 'isAdmin', rule: 'unknown' },
        { field: 'unitId', rule: 'required' },
      ]),
    );
    expect(new Set(result.issues.map((i) => i.field)).size).toBe(result.issues.length);
  });

  it('refuses names that are only blanks or carry control characters', () => {
    expect(validator.check({ ...good, fullName: '   ' }).ok).toBe(false);
    expect(validator.check({ ...good, fullName: 'Tú\u0000' }).ok).toBe(false);
  });

  it('describes issues in Vietnamese and English', () => {
    expect(describeIssue({ field: 'password', rule: 'minLength', expected: 10 }, 'vi')).toBe('Mật khẩu (password): phải có ít nhất 10 ký tự');
    expect(describeIssue({ field: 'password', rule: 'minLength', expected: 10 }, 'en')).toBe('Password (password): must have at least 10 characters');
    expect(describeIssue({ field: 'nested.extra', rule: 'unknown' }, 'vi')).toBe('"nested.extra": trường này không được chấp nhận');
  });

  it('nested objects report a dotted path', () => {
    const nested = compileValidator(Type.Object({ item: Type.Object({ title: Type.String() }, { additionalProperties: false }) }));
    const result = nested.check({ item: { title: 1 } });
    expect(result.ok ? [] : result.issues).toEqual([{ field: 'item.title', rule: 'type', expected: 'string' }]);
  });
});

describe('language choice', () => {
  it('prefers the lang cookie, then Accept-Language, then Vietnamese', () => {
    expect(pickLocale('en', 'vi-VN')).toBe('en');
    expect(pickLocale(undefined, 'en-US,en;q=0.9')).toBe('en');
    expect(pickLocale(undefined, 'fr-FR, vi;q=0.5')).toBe('vi');
    expect(pickLocale(undefined, undefined)).toBe('vi');
    expect(pickLocale('de', 'de-DE')).toBe('vi');
  });
});
