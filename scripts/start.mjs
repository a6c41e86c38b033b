// `npm start`: on a fresh clone, installs what is missing, builds the web app
// if its sources changed, then runs the server (which migrates the database
// and seeds the demo province when it is empty) under a supervisor that
// restarts it if it crashes (scripts/lib/supervise.mjs). Runs on the system Node.
import { RUNTIME_PACKAGES, ensureSystemPackages, ensureDependencies, ensureMediasoupWorker, ensureWebBuild, step } from './lib/setup.mjs';
import { superviseServer } from './lib/supervise.mjs';

step('Phòng Họp Số: chuẩn bị khởi động / getting ready');
ensureSystemPackages(RUNTIME_PACKAGES);
ensureDependencies();
ensureMediasoupWorker();
ensureWebBuild();
step('Khởi động máy chủ / starting the server…');
process.exitCode = await superviseServer();
