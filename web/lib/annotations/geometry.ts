/**
 * Page geometry of annotations. Everything is stored as fractions of the page
 * (0..1, origin top-left) and drawn in the CSS pixels of the page box, so the
 * same ink fits any zoom and any screen.
 */
export type Point = [number, number] | [number, number, number];
export type Rect = [number, number, number, number];

export function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

/** Five decimals: a tenth of a pixel on a 10 000 px page, and a payload a third the size. */
export function round(value: number): number {
  return Math.round(value * 100_000) / 100_000;
}

/**
 * An SVG path through the points, smoothed with quadratic curves through the
 * midpoints (a pen's jitter disappears, corners stay where they were drawn).
 */
export function inkPath(points: readonly (readonly number[])[], width: number, height: number): string {
  const xy = points.map((p) => [(p[0] ?? 0) * width, (p[1] ?? 0) * height] as const);
  const first = xy[0];
  if (first === undefined) return '';
  const f = (n: number) => n.toFixed(1);
  // A tap: a dot (a zero-length line with round caps).
  if (xy.length === 1) return `M${f(first[0])} ${f(first[1])}l0.01 0`;
  let d = `M${f(first[0])} ${f(first[1])}`;
  for (let i = 1; i < xy.length - 1; i += 1) {
    const [x, y] = xy[i]!;
    const [nx, ny] = xy[i + 1]!;
    d += `Q${f(x)} ${f(y)} ${f((x + nx) / 2)} ${f((y + ny) / 2)}`;
  }
  const last = xy[xy.length - 1]!;
  return `${d}L${f(last[0])} ${f(last[1])}`;
}

/** The mean pen pressure of a stroke (1 when the device gave none), to draw it a little thicker or thinner. */
export function meanPressure(points: readonly (readonly number[])[]): number {
  let sum = 0;
  let count = 0;
  for (const point of points) {
    const pressure = point[2];
    if (pressure !== undefined) {
      sum += pressure;
      count += 1;
    }
  }
  return count === 0 ? 0.5 : sum / count;
}

/** Distance in pixels from point p to segment ab (all in pixels). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * Whether the eraser at (x, y) (fractions) touches a stroke: within `radius`
 * pixels of any of its segments, measured in the page's pixels so a wide
 * page does not stretch the eraser.
 */
export function strokeHit(points: readonly (readonly number[])[], x: number, y: number, radius: number, width: number, height: number): boolean {
  const px = x * width;
  const py = y * height;
  for (let i = 0; i < points.length; i += 1) {
    const a = points[i]!;
    const b = points[i + 1] ?? a;
    if (segmentDistance(px, py, (a[0] ?? 0) * width, (a[1] ?? 0) * height, (b[0] ?? 0) * width, (b[1] ?? 0) * height) <= radius) return true;
  }
  return false;
}

export function rectHit(rect: readonly number[], x: number, y: number): boolean {
  const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = rect;
  return x >= Math.min(x0, x1) && x <= Math.max(x0, x1) && y >= Math.min(y0, y1) && y <= Math.max(y0, y1);
}

/** The rectangle between two corners, in order x0 < x1, y0 < y1. */
export function normalizeRect(ax: number, ay: number, bx: number, by: number): Rect {
  return [round(Math.min(ax, bx)), round(Math.min(ay, by)), round(Math.max(ax, bx)), round(Math.max(ay, by))];
}

/** The bounding box of a stroke, widened a little so the words under it are caught. */
export function boundingRect(points: readonly (readonly number[])[], margin = 0.005): Rect {
  let x0 = 1;
  let y0 = 1;
  let x1 = 0;
  let y1 = 0;
  for (const [x = 0, y = 0] of points) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [clamp01(x0 - margin), clamp01(y0 - margin), clamp01(x1 + margin), clamp01(y1 + margin)];
}

/**
 * Keeps a stroke's points sparse: a new point only when it moved at least
 * `minStep` pixels from the last kept one (coalesced events come by the
 * hundred per second on a good pen).
 */
export function farEnough(last: readonly number[] | undefined, x: number, y: number, width: number, height: number, minStep = 1.5): boolean {
  if (last === undefined) return true;
  return Math.hypot((x - (last[0] ?? 0)) * width, (y - (last[1] ?? 0)) * height) >= minStep;
}
