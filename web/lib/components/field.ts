/** aria-describedby for a field rendered inside FieldShell. */
export function describedBy(id: string, hint: string | undefined, error: string | undefined): string | undefined {
  if (error) return `${id}-error`;
  if (hint) return `${id}-hint`;
  return undefined;
}

/** What every labelled field (TextField, TextArea, Select) takes besides its control's own attributes. */
export type FieldProps = {
  label: string;
  value?: string;
  /** the control's id; a generated one by default */
  id?: string;
  hint?: string | undefined;
  error?: string | undefined;
  hideLabel?: boolean;
};
