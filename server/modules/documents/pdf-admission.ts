/**
 * Fair shares of the PDF worker pool: one user may have at most `perUser`
 * PDF jobs (stamped copies, annotated exports) running or waiting at once, so
 * one reader's burst of calls cannot fill the pool's queue that the whole
 * hall shares (a meeting opening a confidential document at once needs one
 * job per reader). Past that they are told to come back (429, Retry-After).
 * Counted per process, as the pool is.
 */
import { AppError } from '../../errors.ts';

export class PdfAdmission {
  readonly #perUser: number;
  readonly #active = new Map<string, number>();

  constructor(perUser: number) {
    this.#perUser = perUser;
  }

  async run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const active = this.#active.get(userId) ?? 0;
    if (active >= this.#perUser) throw new AppError(429, 'pdfBusy', { headers: { 'retry-after': '2' } });
    this.#active.set(userId, active + 1);
    try {
      return await work();
    } finally {
      const left = (this.#active.get(userId) ?? 1) - 1;
      if (left === 0) this.#active.delete(userId);
      else this.#active.set(userId, left);
    }
  }
}
