/**
 * `/login?next=` never leads off the site (issue 11, finding 12). Every
 * hostile value falls back to the home page; for every value, whatever comes
 * out, read by the WHATWG URL parser (the browser's: tabs and newlines
 * dropped, `\` read as `/`, dot segments resolved) against the site's
 * address, stays on the site. The tab case passed the old check and led to
 * //evil.example.
 */
import { describe, expect, it } from 'vitest';
import { sameSitePath } from '../../web/lib/safe-next.ts';

const SITE = 'https://hop.hoabinh.gov.vn';
const paths = { home: '/', login: '/login' };
const next = (value: string | null | undefined) => sameSitePath(value, paths);

const HOSTILE = [
  'https://evil.example/',
  'http://evil.example',
  'HTTPS://evil.example',
  '//evil.example',
  '//evil.example/meetings',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '\t//evil.example',
  ' //evil.example',
  '/\u0000/evil.example',
  '/\u001f/evil.example',
  '/\u007f/evil.example',
  '/meetings\\..\\..\\evil',
  '/..//evil.example',
  '/./..//evil.example/x',
  '/%2e%2e//evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'evil.example',
  'meetings',
  '',
  '/login',
  '/login?next=//evil.example',
  '/login/',
  '/login#x',
  `/${'a'.repeat(5000)}`,
];

describe('sameSitePath: where a login may lead', () => {
  it.each(HOSTILE)('%j falls back to the home page', (value) => {
    expect(next(value)).toBe('/');
  });

  it('no value, or null, gives the home page', () => {
    expect(next(null)).toBe('/');
    expect(next(undefined)).toBe('/');
  });

  it('a path of the site comes back as the browser reads it, query and fragment kept', () => {
    expect(next('/meetings')).toBe('/meetings');
    expect(next('/meetings/6f1c?tab=documents#agenda')).toBe('/meetings/6f1c?tab=documents#agenda');
    expect(next('/meetings/../search?q=ngân sách')).toBe('/search?q=ng%C3%A2n%20s%C3%A1ch');
    expect(next('/loginhelp')).toBe('/loginhelp');
  });

  it('the login page of a base path is recognised, and home is the base path', () => {
    const based = { home: '/hop/', login: '/hop/login' };
    expect(sameSitePath('/hop/login?next=/hop/meetings', based)).toBe('/hop/');
    expect(sameSitePath('//evil.example', based)).toBe('/hop/');
    expect(sameSitePath('/hop/meetings', based)).toBe('/hop/meetings');
  });

  it('whatever comes out stays on the site once the browser has parsed it', () => {
    const samples = [...HOSTILE, '/meetings', '/a/./b/../c', '/%2F%2Fevil.example', '/@evil.example', '/a:b@evil.example'];
    // Every ASCII character after a slash, and before and after a second one.
    for (let code = 0; code < 128; code++) {
      const c = String.fromCharCode(code);
      samples.push(`/${c}/evil.example`, `/${c}${c}evil.example`, `${c}/evil.example`, `/${c}`);
    }
    for (const value of samples) {
      const result = next(value);
      expect(result.startsWith('/') && !result.startsWith('//'), JSON.stringify(value)).toBe(true);
      expect(new URL(result, SITE).origin, JSON.stringify(value)).toBe(SITE);
    }
  });
});
