/**
 * Annotation geometry: the eraser catches the strokes it passes over (in the
 * page's pixels, whatever its shape) and nothing else; strokes draw as one
 * smooth path; rectangles come out ordered.
 */
import { describe, expect, it } from 'vitest';
import { boundingRect, farEnough, inkPath, normalizeRect, rectHit, strokeHit } from '../../web/lib/annotations/geometry.ts';

const W = 600;
const H = 800;

describe('annotation geometry', () => {
  const diagonal = [
    [0.1, 0.1],
    [0.5, 0.5],
  ];

  it('the eraser touches a stroke it passes within its radius, not one farther away', () => {
    // On the line at its middle, and 10 px beside it.
    expect(strokeHit(diagonal, 0.3, 0.3, 14, W, H)).toBe(true);
    expect(strokeHit(diagonal, 0.3 + 10 / W, 0.3, 14, W, H)).toBe(true);
    // 40 px away.
    expect(strokeHit(diagonal, 0.3 + 40 / W, 0.3, 14, W, H)).toBe(false);
    // Past the end of the stroke.
    expect(strokeHit(diagonal, 0.7, 0.7, 14, W, H)).toBe(false);
  });

  it('a single tap is a dot the eraser can still catch', () => {
    expect(strokeHit([[0.5, 0.5]], 0.5 + 5 / W, 0.5, 14, W, H)).toBe(true);
    expect(inkPath([[0.5, 0.5]], W, H)).toMatch(/^M300\.0 400\.0l/);
  });

  it('draws a stroke as one path starting at its first point and ending at its last', () => {
    const d = inkPath([[0, 0], [0.5, 0.25, 0.7], [1, 1]], W, H);
    expect(d.startsWith('M0.0 0.0')).toBe(true);
    expect(d).toContain('Q300.0 200.0');
    expect(d.endsWith('L600.0 800.0')).toBe(true);
    expect(inkPath([], W, H)).toBe('');
  });

  it('orders rectangle corners and tests points inside them', () => {
    const rect = normalizeRect(0.6, 0.4, 0.2, 0.1);
    expect(rect).toEqual([0.2, 0.1, 0.6, 0.4]);
    expect(rectHit(rect, 0.3, 0.2)).toBe(true);
    expect(rectHit(rect, 0.7, 0.2)).toBe(false);
  });

  it('keeps bounding boxes on the page and skips points closer than a pixel and a half', () => {
    expect(boundingRect([[0, 0], [1, 1]])).toEqual([0, 0, 1, 1]);
    expect(farEnough([0.5, 0.5], 0.5 + 1 / W, 0.5, W, H)).toBe(false);
    expect(farEnough([0.5, 0.5], 0.5 + 2 / W, 0.5, W, H)).toBe(true);
    expect(farEnough(undefined, 0, 0, W, H)).toBe(true);
  });
});
