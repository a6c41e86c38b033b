import type { UnitDto } from '$contract/identity.ts';
import { errorMessage } from '$lib/api/client.ts';
import { unitsApi } from '$lib/api/identity.ts';
import { toasts } from '$lib/toasts.svelte.ts';

/** Fetches the units for a list page's unit filter; a failure is a toast, the page works on without the filter. */
export function loadUnitsInto(set: (units: UnitDto[]) => void): void {
  unitsApi.list().then(set, (error: unknown) => toasts.error(errorMessage(error)));
}
