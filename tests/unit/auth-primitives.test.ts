import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/modules/auth/passwords.ts';
import { generateSessionToken, hashSecret, parseSessionToken, secretMatches } from '../../server/modules/auth/session-tokens.ts';
import { allowedUnder } from '../../server/modules/units/service.ts';

describe('password hashing', () => {
  it('stores argon2id in PHC form and verifies only the right password', async () => {
    const hash = await hashPassword('Mật khẩu có dấu #2026');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('Mật khẩu có dấu #2026', hash)).toBe(true);
    expect(await verifyPassword('Mat khau co dau #2026', hash)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('giống nhau')).not.toBe(await hashPassword('giống nhau'));
  });
});

describe('session tokens', () => {
  it('are id.secret, parse back, and match only their own secret hash', () => {
    const a = generateSessionToken();
    const b = generateSessionToken();
    const parsed = parseSessionToken(a.token)!;
    expect(parsed.id).toBe(a.id);
    expect(secretMatches(parsed.secret, a.secretHash)).toBe(true);
    expect(secretMatches(parseSessionToken(b.token)!.secret, a.secretHash)).toBe(false);
    expect(a.token).not.toBe(b.token);
  });

  it('store the plain SHA-256 of the secret, so sessions stored before any change of hashing library stay valid', () => {
    // FIPS 180-2's test vector for "abc".
    expect(Buffer.from(hashSecret('abc')).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const secret = 'a'.repeat(32);
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    // A stored hash of another length (a damaged row) is refused, not compared.
    expect(secretMatches(secret, hashSecret(secret).subarray(0, 31))).toBe(false);
  });

  it.each(['', 'abc', 'a.b', `${'A'.repeat(32)}.${'b'.repeat(32)}`, `${'a'.repeat(32)}.${'b'.repeat(32)}.x`])('rejects malformed token %j', (token) => {
    expect(parseSessionToken(token)).toBeUndefined();
  });
});

describe('unit tree rules', () => {
  it('allows provinces at the top, offices beside, and one level down', () => {
    expect(allowedUnder('province', null)).toBe(true);
    expect(allowedUnder('district', null)).toBe(false);
    expect(allowedUnder('province', 'province')).toBe(true); // Văn phòng Tỉnh ủy under the province
    expect(allowedUnder('district', 'province')).toBe(true);
    expect(allowedUnder('commune', 'province')).toBe(true); // two-level tree, since 1 July 2025
    expect(allowedUnder('district', 'commune')).toBe(false);
    expect(allowedUnder('province', 'district')).toBe(false);
    expect(allowedUnder('commune', 'district')).toBe(true);
    expect(allowedUnder('district', 'commune')).toBe(false);
  });
});
