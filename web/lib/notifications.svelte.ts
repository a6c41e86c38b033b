/**
 * The person's notifications as rune state: loaded from the API once logged
 * in, refreshed whenever the live connection comes (back) up so nothing sent
 * while offline is missed, and prepended live on `notification:new`.
 */
import type { NotificationDto } from '$contract/documents.ts';
import { errorMessage } from '$lib/api/client.ts';
import { notificationsApi } from '$lib/api/notifications.ts';
import type { AppSocket } from '$lib/realtime/client.svelte.ts';

const LIMIT = 30;

export class NotificationsState {
  items = $state<NotificationDto[]>([]);
  unread = $state(0);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);

  #socket: AppSocket | null = null;
  // Callbacks, not state: nothing renders from this set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #listeners = new Set<(notification: NotificationDto) => void>();
  #generation = 0;

  async load(): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const list = await notificationsApi.list(LIMIT);
      if (generation !== this.#generation) return;
      this.items = list.notifications;
      this.unread = list.unread;
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Listens on this socket (once per socket); a new socket replaces the old one. */
  attach(socket: AppSocket | null): void {
    if (socket === this.#socket) return;
    this.#socket?.off('notification:new', this.#onNew);
    this.#socket = socket;
    socket?.on('notification:new', this.#onNew);
  }

  /** Something else on the page wants to hear about new notifications (e.g. to refresh a list). */
  subscribe(listener: (notification: NotificationDto) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #onNew = (notification: NotificationDto): void => {
    if (this.items.some((item) => item.id === notification.id)) return;
    this.items = [notification, ...this.items].slice(0, LIMIT);
    if (!notification.read) this.unread += 1;
    for (const listener of this.#listeners) listener(notification);
  };

  async markRead(id: string): Promise<void> {
    const target = this.items.find((item) => item.id === id);
    if (target === undefined || target.read) return;
    this.items = this.items.map((item) => (item.id === id ? { ...item, read: true } : item));
    this.unread = Math.max(0, this.unread - 1);
    try {
      await notificationsApi.markRead([id]);
    } catch {
      // Shown as read here; the next load tells the truth.
    }
  }

  async markAllRead(): Promise<void> {
    const before = { items: this.items, unread: this.unread };
    this.items = this.items.map((item) => ({ ...item, read: true }));
    this.unread = 0;
    try {
      await notificationsApi.markRead();
    } catch (error) {
      this.items = before.items;
      this.unread = before.unread;
      throw error;
    }
  }

  /** Forgets everything (logout). */
  reset(): void {
    this.#generation += 1;
    this.attach(null);
    this.items = [];
    this.unread = 0;
    this.loaded = false;
    this.loading = false;
    this.error = null;
  }
}

export const notifications = new NotificationsState();
