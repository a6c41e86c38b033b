/** Short notifications ("Đã lưu…", errors) shown by <Toaster/> in the root layout. */
export type ToastTone = 'success' | 'error' | 'info' | 'warning';
export type Toast = { id: number; tone: ToastTone; message: string; timeout: number };

export class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;
  /** Timers are plain bookkeeping, not state anything renders. */
  #timers: Record<number, ReturnType<typeof setTimeout>> = {};

  show(tone: ToastTone, message: string, timeout = tone === 'error' ? 8_000 : 4_500): number {
    const id = this.#next++;
    this.items = [...this.items.slice(-3), { id, tone, message, timeout }];
    if (timeout > 0) this.#timers[id] = setTimeout(() => this.dismiss(id), timeout);
    return id;
  }

  success(message: string): number {
    return this.show('success', message);
  }

  error(message: string): number {
    return this.show('error', message);
  }

  info(message: string): number {
    return this.show('info', message);
  }

  warning(message: string): number {
    return this.show('warning', message);
  }

  dismiss(id: number): void {
    const timer = this.#timers[id];
    if (timer !== undefined) clearTimeout(timer);
    delete this.#timers[id];
    this.items = this.items.filter((toast) => toast.id !== id);
  }
}

export const toasts = new Toasts();
