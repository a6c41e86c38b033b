#!/usr/bin/env node
// Run mediasoup's own Node test suite (the compiled tests shipped in
// node_modules/mediasoup/node/lib/test/) with jest against our offline-built
// mediasoup-worker, on Node >= 22 (the project runs it on Node 24).
//
// Usage: node scripts/mediasoup-worker/test-worker.mjs [--mediasoup-dir DIR] [-- JEST_ARGS...]
//   The worker binary is MEDIASOUP_WORKER_BIN if set; otherwise build.sh is
//   run, which prints the cached binary's path at once, or builds it first.
//
// node_modules is not modified: mediasoup's package.json and node/lib are
// copied to a temporary directory, where the test certificate the npm tarball
// does not ship (node/lib/test/data/dtls-cert.pem and dtls-key.pem, used by
// test-Worker.js) is generated with openssl; jest resolves the tests'
// dependencies (flatbuffers, pick-port, werift-sctp, ...) from the project's
// node_modules.
//
// Exit code 0 only if every test passes, except those listed in
// KNOWN_UNFIXABLE below with the reason. Last line: "worker: N passed, N failed".

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as process from 'node:process';
import { fileURLToPath } from 'node:url';

// Full test names (as jest reports them) that are allowed to fail, each with
// the reason it cannot be fixed here. Keep this empty unless a failure is
// understood and cannot be fixed honestly.
const KNOWN_UNFIXABLE = new Map([
	// ['full test name', 'reason'],
]);

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(scriptDir, '..', '..');

function log(msg) {
	console.log(`[test:worker] ${msg}`);
}

function fail(msg) {
	console.error(`[test:worker] ERROR: ${msg}`);
	process.exit(1);
}

// ------------------------------------------------------------------ arguments
const argv = process.argv.slice(2);
let mediasoupDir;
let jestArgs = [];
for (let i = 0; i < argv.length; i++) {
	if (argv[i] === '--mediasoup-dir') {
		mediasoupDir = argv[++i];
	} else if (argv[i] === '--') {
		jestArgs = argv.slice(i + 1);
		break;
	} else {
		fail(`unknown argument: ${argv[i]}`);
	}
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 22) {
	fail(
		`Node ${process.versions.node}: mediasoup 3.27 needs Node >= 22; run it through npm (npm run test:worker uses the project's Node 24)`
	);
}

if (!mediasoupDir) {
	const candidates = [
		path.join(process.cwd(), 'node_modules', 'mediasoup'),
		path.join(repoRoot, 'node_modules', 'mediasoup'),
	];
	mediasoupDir = candidates.find(dir => fs.existsSync(path.join(dir, 'package.json')));
	if (!mediasoupDir) fail(`mediasoup is not installed (looked in ${candidates.join(', ')})`);
}
mediasoupDir = path.resolve(mediasoupDir);
// The project whose node_modules holds jest and the tests' dependencies.
const nodeModulesDir = path.dirname(mediasoupDir);
const mediasoupVersion = JSON.parse(fs.readFileSync(path.join(mediasoupDir, 'package.json'), 'utf8')).version;

const jestBin = path.join(nodeModulesDir, 'jest', 'bin', 'jest.js');
if (!fs.existsSync(jestBin)) {
	fail(`jest is not installed in ${nodeModulesDir} (devDependencies: jest, pick-port, werift-sctp; see scripts/mediasoup-worker/README.md)`);
}
for (const dep of ['pick-port', 'werift-sctp']) {
	if (!fs.existsSync(path.join(nodeModulesDir, dep, 'package.json'))) {
		fail(`${dep} is not installed in ${nodeModulesDir} (mediasoup's tests require it; see README.md)`);
	}
}

// ------------------------------------------------------------------ worker binary
let workerBin = process.env.MEDIASOUP_WORKER_BIN;
if (workerBin) {
	log(`worker binary from MEDIASOUP_WORKER_BIN: ${workerBin}`);
} else {
	log('MEDIASOUP_WORKER_BIN not set: asking build.sh for the cached worker (builds it if missing)');
	const build = spawnSync('bash', [path.join(scriptDir, 'build.sh'), mediasoupDir], {
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
	});
	if (build.status !== 0) fail(`build.sh failed (exit ${build.status})`);
	workerBin = build.stdout.trim().split('\n').pop();
	log(`worker binary: ${workerBin}`);
}
workerBin = path.resolve(workerBin);
try {
	fs.accessSync(workerBin, fs.constants.X_OK);
} catch {
	fail(`worker binary not executable: ${workerBin}`);
}

// ------------------------------------------------------------------ test tree
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediasoup-test-worker-'));
const pkgCopy = path.join(tmpDir, 'mediasoup');
fs.mkdirSync(path.join(pkgCopy, 'node'), { recursive: true });
fs.copyFileSync(path.join(mediasoupDir, 'package.json'), path.join(pkgCopy, 'package.json'));
fs.cpSync(path.join(mediasoupDir, 'node', 'lib'), path.join(pkgCopy, 'node', 'lib'), { recursive: true });

// test-Worker.js starts a worker with node/lib/test/data/dtls-cert.pem and
// dtls-key.pem, which the npm tarball does not ship: make a throwaway pair.
const dataDir = path.join(pkgCopy, 'node', 'lib', 'test', 'data');
fs.mkdirSync(dataDir, { recursive: true });
const openssl = spawnSync(
	'openssl',
	[
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
		'-keyout', path.join(dataDir, 'dtls-key.pem'),
		'-out', path.join(dataDir, 'dtls-cert.pem'),
		'-days', '2', '-subj', '/CN=mediasoup-test',
	],
	{ stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' }
);
if (openssl.error || openssl.status !== 0) {
	fail(`could not generate the test DTLS certificate with openssl (apt-get install openssl): ${openssl.error ?? openssl.stderr}`);
}
log('generated node/lib/test/data/dtls-cert.pem and dtls-key.pem (missing from the npm tarball)');

const resultsFile = path.join(tmpDir, 'jest-results.json');
const jestConfig = {
	rootDir: pkgCopy,
	testEnvironment: 'node',
	testMatch: ['<rootDir>/node/lib/test/test-*.js'],
	// The tests are compiled JavaScript already.
	transform: {},
	// Resolve mediasoup's and the tests' dependencies from the project.
	modulePaths: [nodeModulesDir],
	cacheDirectory: path.join(tmpDir, 'jest-cache'),
};
const configFile = path.join(tmpDir, 'jest.config.json');
fs.writeFileSync(configFile, JSON.stringify(jestConfig, null, 2));

// ------------------------------------------------------------------ run
log(`mediasoup ${mediasoupVersion} tests, Node ${process.versions.node}, jest from ${nodeModulesDir}`);
const started = Date.now();
const jest = spawnSync(
	process.execPath,
	[
		jestBin,
		'--config', configFile,
		// As mediasoup's own "test:node" script runs them.
		'--silent', 'false', '--detectOpenHandles',
		'--json', '--outputFile', resultsFile,
		...jestArgs,
	],
	{
		cwd: tmpDir,
		stdio: 'inherit',
		env: { ...process.env, MEDIASOUP_WORKER_BIN: workerBin },
	}
);
const seconds = ((Date.now() - started) / 1000).toFixed(1);

if (!fs.existsSync(resultsFile)) {
	fs.rmSync(tmpDir, { recursive: true, force: true });
	fail(`jest produced no results (exit ${jest.status ?? jest.signal})`);
}
const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
fs.rmSync(tmpDir, { recursive: true, force: true });

const failedTests = [];
for (const file of results.testResults) {
	for (const t of file.assertionResults) {
		if (t.status === 'failed') failedTests.push({ file: path.basename(file.name), name: t.fullName });
	}
	// A test file that failed to load has no assertion results.
	if (file.status === 'failed' && file.assertionResults.length === 0) {
		failedTests.push({ file: path.basename(file.name), name: `(suite failed to run) ${file.message?.split('\n')[0] ?? ''}` });
	}
}
const known = failedTests.filter(t => KNOWN_UNFIXABLE.has(t.name));
const unexpected = failedTests.filter(t => !KNOWN_UNFIXABLE.has(t.name));

log(`worker ${workerBin}`);
log(`suites: ${results.numPassedTestSuites} passed, ${results.numFailedTestSuites} failed, of ${results.numTotalTestSuites}; ${seconds} s`);
for (const t of known) log(`known, documented failure: ${t.file} > ${t.name}: ${KNOWN_UNFIXABLE.get(t.name)}`);
for (const t of unexpected) log(`FAILED: ${t.file} > ${t.name}`);
const skipped = results.numPendingTests + results.numTodoTests;
console.log(
	`worker: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`
);
process.exit(unexpected.length === 0 && results.numTotalTests > 0 ? 0 : 1);
