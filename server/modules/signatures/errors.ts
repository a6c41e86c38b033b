/**
 * The one error a signing attempt ends with when it cannot sign: it names an
 * `ErrorKey`, so a route answers in the caller's language, and its `message`
 * is the Vietnamese text for logs and callers without a locale. Nothing is
 * returned alongside it, so a failed signing never leaves a half-signed PDF.
 */
import { translate, type ErrorKey } from '../../i18n/messages.ts';

export class SignatureError extends Error {
  readonly key: ErrorKey;
  readonly params: Record<string, string | number>;

  constructor(key: ErrorKey, params: Record<string, string | number> = {}, options?: { cause?: unknown }) {
    super(translate(key, 'vi', params), options);
    this.name = 'SignatureError';
    this.key = key;
    this.params = params;
  }
}
