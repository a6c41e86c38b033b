/** Types shared by the components (kept in .ts so plain TypeScript can import them too). */
export type SelectOption = { value: string; label: string; disabled?: boolean };

export type Column = {
  key: string;
  label: string;
  /** CSS width, e.g. '12rem' or '20%' */
  width?: string;
  /** CSS min-width, so a column of short words does not wrap into a tower */
  minWidth?: string;
  align?: 'start' | 'end' | 'center';
  /** Hide the header label in card layout (e.g. the actions column). */
  bareInCard?: boolean;
  /** As narrow as its content allows, never wrapping (badges, buttons). */
  shrink?: boolean;
};
