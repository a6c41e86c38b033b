/**
 * The viewer's geometry, as pure functions: which page a scroll position is
 * in, the zoom steps, and the zoom that fits a width. Kept apart from the
 * viewer's state so the arithmetic reads (and can be checked) on its own.
 */
import { CSS_UNITS } from './page-render.ts';

export const ZOOM_STEPS = [0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 5;
/** the space between page boxes and around them (CSS pixels; the page stack's gap and padding) */
export const PAGE_GAP = 16;

/** A zoom within bounds, rounded so that equal zooms compare equal. */
export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(zoom * 1000) / 1000));
}

/** The next zoom step in or out from `zoom`. */
export function stepZoom(zoom: number, direction: 'in' | 'out'): number {
  if (direction === 'in') return ZOOM_STEPS.find((step) => step > zoom + 0.001) ?? MAX_ZOOM;
  return [...ZOOM_STEPS].reverse().find((step) => step < zoom - 0.001) ?? MIN_ZOOM;
}

/** The zoom at which a page `pageWidth` points wide fills `width` CSS pixels (between the gaps); null when there is no room. */
export function fitWidthZoom(width: number, pageWidth: number): number | null {
  const available = width - 2 * PAGE_GAP;
  return available <= 0 ? null : available / (pageWidth * CSS_UNITS);
}

/**
 * The page at `probe` (a scrollTop) in a column of page boxes in order:
 * a binary search over their offsets. `offsetOf` is undefined for a box not
 * laid out (the search stops there).
 */
export function pageAt(probe: number, pageCount: number, offsetOf: (page: number) => number | undefined): number {
  let low = 1;
  let high = pageCount;
  let found = 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const top = offsetOf(mid);
    if (top === undefined) break;
    if (top <= probe) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}
