// The server under its supervisor, without `npm start`'s setup steps (install,
// worker build, web build): what `npm start` ends in, and what a service
// manager or a test can run on an installed checkout.
import { superviseServer } from './lib/supervise.mjs';

process.exitCode = await superviseServer();
