/**
 * Vietnamese text folding for search: "Nghị quyết" and "nghi quyet" fold to
 * the same key. Shared by the server (stored *_search columns) and the web
 * (client-side filters), so both sides agree on what matches.
 */
export function foldVietnamese(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
