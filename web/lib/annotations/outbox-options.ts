/**
 * What an Outbox is given: where it stores (storage, key, tab id), how it
 * sends (transport, online), whom it tells (the on… callbacks), and its
 * clocks and timings, all injectable so tests run without a browser.
 */
import type { AnnotationDto } from '$contract/annotations.ts';
import type { Ack, AckError } from '$contract/realtime.ts';
import type { OutboxOp } from './outbox-codec.ts';
import type { OutboxStorage } from './outbox-tabs.ts';

/** Sends one change and resolves with its ack; never throws (offline and timeouts are error acks). */
export type OutboxTransport = (op: OutboxOp) => Promise<Ack<AnnotationDto>>;

/**
 * Runs `run` while holding the exclusive lock `name` across tabs, or skips it
 * when another holder has it (navigator.locks with ifAvailable fits).
 */
export type OutboxLock = (name: string, run: () => void) => Promise<void>;

export type OutboxOptions = {
  storage: OutboxStorage;
  /** one queue family per user, document and version (outboxKey); each instance stores under `${key}:${tabId}` */
  key: string;
  /** this instance's id (random by default: a reload is a new instance and adopts the old one's queue) */
  tabId?: string;
  transport: OutboxTransport;
  /**
   * Whether sending is worth trying now (the socket is connected). While not,
   * changes only wait (and a note being typed is kept as one change); the
   * owner calls flush() when the connection is back.
   */
  online?: () => boolean;
  /** the server stored a change: its answer, to adopt the revision */
  onAck?: (dto: AnnotationDto, op: OutboxOp) => void;
  /** the server refused a change for good; it has left the queue */
  onDrop?: (op: OutboxOp, error: AckError) => void;
  /** another tab changed the same annotation later; this change left the queue unsent */
  onSuperseded?: (op: OutboxOp) => void;
  /** changes left by a closed tab joined this queue */
  onAdopt?: (adopted: number) => void;
  /** the queue grew or shrank */
  onChange?: (pending: number) => void;
  /** waits before retrying after a passing failure (last one repeats) */
  retryDelaysMs?: readonly number[];
  /** setTimeout by default; injectable for tests */
  schedule?: (run: () => void, ms: number) => () => void;
  /** Date.now by default; injectable for tests */
  now?: () => number;
  /** how often this instance proves it is alive and looks for closed tabs' queues */
  heartbeatMs?: number;
  /**
   * After how long without a heartbeat an entry counts as left behind. Well
   * above heartbeatMs: a hidden tab's timers may run only once a minute.
   */
  staleMs?: number;
  /** guards adoption so two starting tabs do not both take the same queue (none by default: adoption runs at once) */
  lock?: OutboxLock;
};
