// Keeps the server running: when it ends abnormally (an unforeseen bug, an
// out-of-memory kill, `kill -9`), it is started again within a second or two,
// so the tablets and screens reconnect and resync from the database.
// It is not restarted when it was asked to stop (SIGINT/SIGTERM to this
// process), when it exited cleanly, or when its configuration is wrong (exit
// code 2: it would only fail again). A crash loop is cut short: more than
// MAX_RESTARTS restarts within RESTART_WINDOW_MS end the supervisor with the
// server's exit code, so a broken deployment says so instead of spinning.
// Plain JavaScript on the system Node, like the rest of scripts/lib.
import { node24, runWithNode24, step, fail } from './setup.mjs';

const RESTART_DELAY_MS = 1_000;
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** server/main.ts exits with 2 on a configuration error (config.ts). */
const CONFIG_ERROR = 2;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs server/main.ts until it is asked to stop; resolves with the exit code to end with. */
export async function superviseServer() {
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const restarts = [];
  for (;;) {
    const code = await runWithNode24(node24(), ['server/main.ts'], {}, (child) => {
      step(`Máy chủ đã khởi động / server started (pid ${child.pid})`);
    });
    if (stopping || code === 0) return code;
    if (code === CONFIG_ERROR) return code;
    const now = Date.now();
    while (restarts.length > 0 && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length >= MAX_RESTARTS) {
      fail(`Máy chủ dừng ${MAX_RESTARTS + 1} lần trong ${RESTART_WINDOW_MS / 1000} giây, không khởi động lại nữa / the server stopped ${MAX_RESTARTS + 1} times within ${RESTART_WINDOW_MS / 1000} s; not restarting it again (exit code ${code})`);
    }
    restarts.push(now);
    step(`Máy chủ dừng bất thường (mã ${code}), khởi động lại sau ${RESTART_DELAY_MS / 1000} giây / the server stopped abnormally (code ${code}); restarting in ${RESTART_DELAY_MS / 1000} s`);
    await sleep(RESTART_DELAY_MS);
    if (stopping) return code;
  }
}
