/**
 * The interface language as rune state. Vietnamese by default; the choice is
 * kept in the `lang` cookie (path=/, one year, SameSite=Lax) so the server
 * answers errors in the same language, and mirrored on <html lang>.
 */
import { browser } from '$app/environment';
import { LOCALES, type Locale } from '$contract/identity.ts';
import { en } from './en.ts';
import { vi, type Dictionary } from './vi.ts';

export const LANG_COOKIE = 'lang';
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

const dictionaries: Record<Locale, Dictionary> = { vi, en };

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function readCookie(name: string): string | undefined {
  if (!browser) return undefined;
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Fills {name} placeholders; unknown placeholders stay visible so they get noticed. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export class LocaleState {
  /** The language in use. */
  current = $state<Locale>('vi');
  /** Whether the person chose the language themselves (cookie present). */
  explicit = $state(false);
  /** The messages of the current language: `i18n.m.login.submit`. */
  readonly m: Dictionary = $derived(dictionaries[this.current]);
  /** BCP 47 tag for Intl formatting. */
  readonly tag: string = $derived(this.current === 'vi' ? 'vi-VN' : 'en-GB');

  constructor() {
    const fromCookie = readCookie(LANG_COOKIE);
    if (isLocale(fromCookie)) {
      this.current = fromCookie;
      this.explicit = true;
    }
    this.#apply();
  }

  /** Switches language and remembers it (cookie for the server, <html lang> for assistive tech). */
  set(locale: Locale): void {
    this.current = locale;
    this.explicit = true;
    if (browser) {
      document.cookie = `${LANG_COOKIE}=${locale}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; SameSite=Lax`;
    }
    this.#apply();
  }

  /** Adopts the user's saved preference unless the person picked a language on this device. */
  adopt(locale: Locale): void {
    if (!this.explicit && locale !== this.current) this.set(locale);
  }

  t(template: string, params?: Record<string, string | number>): string {
    return format(template, params);
  }

  number(value: number): string {
    return new Intl.NumberFormat(this.tag).format(value);
  }

  #apply(): void {
    if (browser) document.documentElement.lang = this.current;
  }
}

export const i18n = new LocaleState();
