'use strict';
// What the tests need that npm cannot install, from Debian's packages: Chromium for the console's
// browser tests (Playwright never downloads a browser), CJK fonts for the zh-CN screenshots, and
// python3-venv for the schemathesis run. Installed when missing and the machine allows (root, or
// sudo without a password, on a Debian-like system); otherwise one line names what to install.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');

const CHECKS = [
  { pkg: 'chromium', present: () => fs.existsSync('/usr/bin/chromium') },
  {
    pkg: 'fonts-wqy-microhei',
    present: () => ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'].some((f) => fs.existsSync(f)) || hasCjkFont(),
  },
  { pkg: 'python3-venv', present: () => spawnSync('python3', ['-c', 'import ensurepip, venv'], { stdio: 'ignore' }).status === 0 },
];

function hasCjkFont() {
  const out = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  return out.status === 0 && out.stdout.trim().length > 0;
}

function log(message) {
  process.stderr.write(`[setup] ${message}\n`);
}

/** The packages missing here, by Debian name. */
function missingPackages() {
  return CHECKS.filter((c) => !c.present()).map((c) => c.pkg);
}

function installer() {
  if (!fs.existsSync('/usr/bin/apt-get')) return null;
  if (process.getuid?.() === 0) return [];
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : null;
}

/** Installs what is missing, or throws with one line that names the packages and the command. */
function ensureSystemPackages() {
  const missing = missingPackages();
  if (!missing.length) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const prefix = installer();
  if (!prefix) throw new Error(`missing Debian packages ${missing.join(', ')}: run \`sudo apt-get update && sudo ${command}\``);
  log(`installing ${missing.join(', ')} from Debian's packages (first run only)`);
  const run = (args) =>
    execFileSync(prefix[0] ?? args[0], prefix.length ? [...prefix.slice(1), ...args] : args.slice(1), {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update', '-q']);
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]);
  const still = missingPackages();
  if (still.length) throw new Error(`Debian packages ${still.join(', ')} did not install: run \`sudo ${command}\``);
}

module.exports = { ensureSystemPackages, missingPackages };
