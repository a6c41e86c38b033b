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
  async run(action: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await action();
      return true;
    } catch (caught) {
      this.error = errorMessage(caught);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
