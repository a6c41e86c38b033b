import { foldVietnamese } from '../contract/text.ts';

/**
 * An ILIKE pattern that finds `query` inside a folded *_search column, with or
 * without diacritics; LIKE's own wildcards in the query are taken literally.
 */
export function containsFolded(query: string): string {
  return `%${foldVietnamese(query).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
