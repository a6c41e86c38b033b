/**
 * What a dialog's main button runs: the dialog is busy while it runs (it
 * cannot be closed, the button spins), and when it fails its message stays
 * in the dialog to be read, instead of each dialog repeating the same
 * try / catch / finally.
 */
import { errorMessage } from '$lib/api/client.ts';

export class DialogAction {
  busy = $state(false);
  /** the last failure's message, shown inside the dialog */
  error = $state<string | null>(null);

  /** Runs `action`; answers whether it succeeded. */
  run(action: () => Promise<void>): Promise<boolean> {
    this.error = null;
    return runBusy(
      (on) => (this.busy = on),
      action,
      (caught) => {
        this.error = errorMessage(caught);
      },
    );
  }
}

/**
 * Runs `action` marked busy (`busy(true)` before, `busy(false)` after, even
 * when it fails); a failure goes to `failed`. Answers whether it succeeded.
 * Shared by dialog actions and form submits.
 */
export async function runBusy(busy: (on: boolean) => void, action: () => Promise<void>, failed: (error: unknown) => Promise<void> | void): Promise<boolean> {
  busy(true);
  try {
    await action();
    return true;
  } catch (error) {
    await failed(error);
    return false;
  } finally {
    busy(false);
  }
}
