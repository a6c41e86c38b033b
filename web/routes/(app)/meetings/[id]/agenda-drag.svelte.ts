/**
 * Reordering the agenda by hand: drag a row's handle (pointer events, so a
 * finger on a tablet works as well as a mouse) or focus the handle and use the
 * arrow keys, Home and End. While a row is dragged the rows it passes slide
 * out of its way; on release `move(from, to)` gets the new position.
 */
type Drag = { id: string; pointerId: number; from: number; over: number; startY: number; dy: number; height: number; mids: number[] };

export class AgendaDrag {
  /** the row being dragged, or null */
  current = $state<Drag | null>(null);
  readonly #list: () => HTMLElement | undefined;
  readonly #count: () => number;
  readonly #move: (from: number, to: number) => void;

  constructor(list: () => HTMLElement | undefined, count: () => number, move: (from: number, to: number) => void) {
    this.#list = list;
    this.#count = count;
    this.#move = move;
  }

  keydown(event: KeyboardEvent, index: number): void {
    let to: number | null = null;
    if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') to = index - 1;
    else if (event.key === 'ArrowDown' || event.key === 'ArrowRight') to = index + 1;
    else if (event.key === 'Home') to = 0;
    else if (event.key === 'End') to = this.#count() - 1;
    if (to === null) return;
    event.preventDefault();
    this.#move(index, to);
  }

  pointerdown(event: PointerEvent, index: number, id: string): void {
    const list = this.#list();
    if (event.button !== 0 || list === undefined) return;
    const rows = [...list.querySelectorAll<HTMLElement>(':scope > li')];
    const row = rows[index];
    if (row === undefined) return;
    event.preventDefault();
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    const rect = row.getBoundingClientRect();
    const gap = rows.length > 1 ? Math.abs((rows[1]?.getBoundingClientRect().top ?? 0) - (rows[0]?.getBoundingClientRect().bottom ?? 0)) : 0;
    this.current = {
      id,
      pointerId: event.pointerId,
      from: index,
      over: index,
      startY: event.clientY,
      dy: 0,
      height: rect.height + gap,
      mids: rows.map((r) => {
        const box = r.getBoundingClientRect();
        return box.top + box.height / 2;
      }),
    };
  }

  pointermove(event: PointerEvent): void {
    const drag = this.current;
    if (drag === null || event.pointerId !== drag.pointerId) return;
    const dy = event.clientY - drag.startY;
    const center = (drag.mids[drag.from] ?? 0) + dy;
    let over = 0;
    drag.mids.forEach((mid, index) => {
      if (index !== drag.from && mid < center) over += 1;
    });
    this.current = { ...drag, dy, over };
  }

  pointerup(event: PointerEvent): void {
    const drag = this.current;
    if (drag === null || event.pointerId !== drag.pointerId) return;
    this.current = null;
    if (drag.from !== drag.over) this.#move(drag.from, drag.over);
  }

  cancel(): void {
    this.current = null;
  }

  /** How far a row moves while another one is dragged over it. */
  shiftOf(index: number): number {
    const drag = this.current;
    if (drag === null) return 0;
    if (index === drag.from) return drag.dy;
    if (drag.from < drag.over && index > drag.from && index <= drag.over) return -drag.height;
    if (drag.from > drag.over && index < drag.from && index >= drag.over) return drag.height;
    return 0;
  }
}
