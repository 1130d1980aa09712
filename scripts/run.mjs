// Runs the product: builds, then opens VS Code with the extension on examples/.
//   - With a desktop `code` CLI on PATH: code --extensionDevelopmentPath=<repo> <repo>/examples
//   - Without: installs code-server 4.100.3 into .vscode-test/ (as the integration tests do), packages
//     and installs the extension, serves VS Code on 127.0.0.1 with examples/ open, prints the
//     address, and runs until Ctrl-C.
// Options: --port N (default: 8080, or a free port if taken), --code-server (skip the desktop check).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from '../test/integration/installCodeServer.mjs';
import { freePort, isPortFree, installVsix, profile, startCodeServer, writeUserSettings } from '../test/integration/codeServer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const examples = join(root, 'examples');
const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

function build(production) {
  execFileSync(process.execPath, ['scripts/build.mjs', ...(production ? ['--production'] : [])], { cwd: root, stdio: 'inherit' });
}

/** A desktop VS Code CLI, not code-server's. */
function desktopCode() {
  if (argv.includes('--code-server')) return null;
  const r = spawnSync('code', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && !/code-server/i.test(r.stdout) ? 'code' : null;
}

async function portToUse() {
  const asked = opt('--port') ?? process.env.PORT;
  if (asked) return Number(asked);
  return (await isPortFree(8080)) ? 8080 : freePort();
}

async function serve() {
  const bin = ensureCodeServer();
  build(true);
  const dir = join(root, '.vscode-test', 'run');
  mkdirSync(dir, { recursive: true });
  const vsix = join(dir, 'bptt-stepper.vsix');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const flags = ['--no-dependencies', '--out', vsix];
  if (!manifest.repository) flags.push('--allow-missing-repository', '--no-rewrite-relative-links'); // offline, no repository to link to
  if (!existsSync(join(root, 'LICENSE')) && !existsSync(join(root, 'LICENSE.md'))) flags.push('--skip-license');
  execFileSync('npx', ['--no-install', 'vsce', 'package', ...flags], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  // A profile kept in .vscode-test/run, so layout and open editors survive restarts.
  const prof = profile(join(dir, 'profile'));
  if (!existsSync(join(prof.userData, 'User', 'settings.json'))) writeUserSettings(prof, {});
  installVsix(bin, prof, vsix);
  const server = await startCodeServer(bin, prof, { folder: examples, port: await portToUse() });
  const stop = () => {
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.child.on('exit', (code) => {
    console.error(`code-server exited (${code})`);
    process.exit(code ?? 1);
  });
  console.log(`\nBPTT Stepper ${manifest.version} in VS Code (code-server), with examples/ open:\n\n  ${server.url}/?folder=${encodeURI(examples)}\n`);
  console.log('Open a spec such as hello.rnn.yaml, then "Step Through BPTT" above its first line (or F1 → BPTT: Open Stepper).');
  console.log('Listening on 127.0.0.1 only. Ctrl-C stops it.');
}

const code = desktopCode();
if (code) {
  build(false);
  console.log(`${code} --extensionDevelopmentPath=${root} ${examples}`);
  const r = spawnSync(code, [`--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} else {
  await serve();
}
