/**
 * Form state shared by every form: per-field errors from the client-side
 * check (the same TypeBox schemas the server uses) and from the server's
 * answer, plus one message for the form as a whole. Errors found by a check
 * are kept as issues and translated when shown, so switching language
 * re-translates them.
 */
import { tick } from 'svelte';
import type { TSchema, Static } from 'typebox';
import { compileValidator, type ValidationIssue, type Validator } from '$contract/validation.ts';
import { ApiError } from '$lib/api/client.ts';
import { runBusy } from '$lib/dialog-action.svelte.ts';
import { describeFieldIssue } from '$lib/i18n/issues.ts';
import { i18n } from '$lib/i18n/locale.svelte.ts';

/**
 * TypeBox reports only the first few errors of an object; a form wants every
 * field's problem at once, so each property is also checked on its own.
 */
const propertyValidators = new WeakMap<TSchema, Map<string, Validator<TSchema>>>();

function perFieldIssues(schema: TSchema, value: Record<string, unknown>): ValidationIssue[] {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (properties === undefined) return [];
  const required = new Set((schema as { required?: string[] }).required ?? []);
  let validators = propertyValidators.get(schema);
  if (validators === undefined) {
    validators = new Map(Object.entries(properties).map(([key, property]) => [key, compileValidator(property)]));
    propertyValidators.set(schema, validators);
  }
  const issues: ValidationIssue[] = [];
  for (const [key, validator] of validators) {
    if (value[key] === undefined) {
      if (required.has(key)) issues.push({ field: key, rule: 'required' });
      continue;
    }
    const result = validator.check(value[key]);
    if (!result.ok) {
      for (const issue of result.issues) issues.push({ ...issue, field: issue.field === '' ? key : `${key}.${issue.field}` });
    }
  }
  return issues;
}

type FieldError = { kind: 'issue'; issue: ValidationIssue } | { kind: 'text'; text: string };

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export class FormState<F extends string = string> {
  #errors = $state<Partial<Record<string, FieldError>>>({});
  /** A message about the whole form (server refusal, network). */
  general = $state<string | null>(null);
  submitting = $state(false);
  readonly #fields: readonly string[];

  /** `fields`: the names this form shows; errors for other names go to `general`. */
  constructor(fields: readonly F[]) {
    this.#fields = fields;
  }

  /** The translated error of one field, or undefined. */
  error(field: F): string | undefined {
    const entry = this.#errors[field];
    if (entry === undefined) return undefined;
    return entry.kind === 'text' ? entry.text : describeFieldIssue(entry.issue, i18n.m);
  }

  /**
   * What a text field of this form takes: its error, and "typing clears it".
   * Spread onto the field: `<TextField {...form.typed('name')} />`.
   */
  typed(field: F): { error: string | undefined; oninput: () => void } {
    return { error: this.error(field), oninput: () => this.clearField(field) };
  }

  /** What a select or picker of this form takes: its error, and "choosing clears it". */
  chosen(field: F): { error: string | undefined; onchange: () => void } {
    return { error: this.error(field), onchange: () => this.clearField(field) };
  }

  get hasErrors(): boolean {
    return this.general !== null || Object.keys(this.#errors).length > 0;
  }

  setError(field: F, text: string): void {
    this.#errors = { ...this.#errors, [field]: { kind: 'text', text } };
  }

  clearField(field: F): void {
    if (this.#errors[field] === undefined) return;
    const next = { ...this.#errors };
    delete next[field];
    this.#errors = next;
  }

  reset(): void {
    this.#errors = {};
    this.general = null;
    this.submitting = false;
  }

  /**
   * Checks a value with a shared validator. On failure records one error per
   * field (an empty required field reads "please fill in", not "at least 2
   * characters") and returns null.
   */
  check<S extends TSchema>(validator: Validator<S>, value: Record<string, unknown>): Static<S> | null {
    this.#errors = {};
    this.general = null;
    const result = validator.check(value);
    if (result.ok) return result.value;
    const fieldIssues = perFieldIssues(validator.schema, value);
    this.applyIssues(
      (fieldIssues.length > 0 ? fieldIssues : result.issues).map((issue) =>
        (issue.rule === 'minLength' || issue.rule === 'pattern' || issue.rule === 'format' || issue.rule === 'type') &&
        isBlank(value[issue.field])
          ? { field: issue.field, rule: 'required' }
          : issue,
      ),
    );
    return null;
  }

  applyIssues(issues: readonly ValidationIssue[]): void {
    const errors: Partial<Record<string, FieldError>> = { ...this.#errors };
    const general: string[] = [];
    for (const issue of issues) {
      if (this.#fields.includes(issue.field)) errors[issue.field] ??= { kind: 'issue', issue };
      else general.push(describeFieldIssue(issue, i18n.m));
    }
    this.#errors = errors;
    if (general.length > 0) this.general = general.join(' ');
  }

  /**
   * Shows what the server said: validation issues next to their fields, a
   * refusal about one field (e.g. "username taken") next to that field, any
   * other message above the buttons.
   */
  fail(error: unknown): void {
    if (!(error instanceof ApiError)) {
      this.general = i18n.m.errors.unexpected;
      return;
    }
    if (error.issues.length > 0) {
      const known = error.issues.filter((issue) => this.#fields.includes(issue.field));
      this.applyIssues(known);
      const unknown = error.issues.filter((issue) => !this.#fields.includes(issue.field));
      if (unknown.length > 0) this.general = unknown.map((issue) => issue.message).join(' ');
      return;
    }
    if (error.field !== undefined && this.#fields.includes(error.field)) {
      this.setError(error.field as F, error.message);
      return;
    }
    this.general = error.message;
  }

  /** Moves focus to the first invalid control inside `form` (after the DOM shows the errors). */
  async focusFirstError(form: HTMLElement | null | undefined): Promise<void> {
    await tick();
    const target = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    target?.focus();
  }

  /**
   * Runs a submit: clears old errors, marks the form busy, reports failures.
   * Returns true when `action` succeeded.
   */
  run(action: () => Promise<void>, form?: HTMLElement | null): Promise<boolean> {
    this.general = null;
    return runBusy(
      (on) => (this.submitting = on),
      action,
      async (error) => {
        this.fail(error);
        await this.focusFirstError(form);
      },
    );
  }
}
