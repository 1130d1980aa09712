// Starting and stopping code-server on loopback with a throwaway profile, and a browser onto it.
// Shared by the integration runner and scripts/run.mjs. See ../shared/notes/testing-in-real-vscode.md.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Chromium flags that work here as root, headless, offline. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Settings for a quiet, deterministic workbench. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
};

/** Servers still running: stopped when this process exits, however it exits. */
const running = new Set();
process.on('exit', () => running.forEach((stop) => stop()));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function isPortFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Paths of a throwaway profile under dir. */
export function profile(dir) {
  const p = { dir, userData: join(dir, 'ud'), extensions: join(dir, 'exts'), xdg: join(dir, 'xdg') };
  for (const d of [p.userData, p.extensions, p.xdg]) mkdirSync(d, { recursive: true });
  return p;
}

export function writeUserSettings(prof, settings) {
  const dir = join(prof.userData, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
}

export function installVsix(bin, prof, vsix) {
  execFileSync(bin, ['--install-extension', vsix, '--force', '--user-data-dir', prof.userData, '--extensions-dir', prof.extensions], {
    env: { ...process.env, XDG_CONFIG_HOME: prof.xdg },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts code-server on 127.0.0.1 and waits for /healthz. Returns { url, port, stop, logs }.
 * It runs in its own process group, so stop() ends it and everything it started.
 */
export async function startCodeServer(bin, prof, { folder, env = {}, port } = {}) {
  port ??= await freePort();
  const args = [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', prof.userData,
    '--extensions-dir', prof.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (folder) args.push(folder);
  const child = spawn(bin, args, {
    env: { ...process.env, XDG_CONFIG_HOME: prof.xdg, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logs = [];
  const keep = (b) => {
    logs.push(b.toString());
    if (logs.length > 400) logs.splice(0, 100);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = () => {
    running.delete(stop);
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, 3000);
    t.unref();
  };
  running.add(stop);
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited early:\n${logs.join('')}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until) {
      stop();
      throw new Error(`code-server did not start in 30 s:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { url, port, pid: child.pid, stop, logs, child };
}
