// `npm start`: on a fresh clone, installs what is missing, builds the web app
// if its sources changed, then runs the server (which migrates the database
// and seeds the demo province when it is empty). Runs on the system Node.
import { RUNTIME_PACKAGES, ensureSystemPackages, ensureDependencies, ensureMediasoupWorker, ensureWebBuild, node24, runWithNode24, step } from './lib/setup.mjs';

step('Phòng Họp Số: chuẩn bị khởi động / getting ready');
ensureSystemPackages(RUNTIME_PACKAGES);
ensureDependencies();
ensureMediasoupWorker();
ensureWebBuild();
step('Khởi động máy chủ / starting the server…');
process.exitCode = await runWithNode24(node24(), ['server/main.ts']);
