// A platform-specific .vsix with the server bundled in `bundled/`, so the extension needs nothing on PATH
// (code-server and Codespaces start the extension host with the login shell's PATH, not the editor's).
//
//   node scripts/package-target.mjs TARGET [OUT.vsix] [SERVER]
//
// TARGET is a VS Code platform (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64); SERVER the
// binary built for it (default: ../../target/release/dockwarden[.exe]).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
const [target, out, server] = process.argv.slice(2);
if (!TARGETS.includes(target)) {
  console.error(`usage: package-target.mjs TARGET [OUT.vsix] [SERVER]; TARGET is one of ${TARGETS.join(', ')}`);
  process.exit(2);
}
const extension = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const executable = target.startsWith('win32') ? 'dockwarden.exe' : 'dockwarden';
const source = resolve(server ?? join(extension, '..', '..', 'target', 'release', executable));
const bundled = join(extension, 'bundled');
mkdirSync(bundled, { recursive: true });
// One server per package: a binary of another platform left from an earlier run must not ride along.
for (const name of ['dockwarden', 'dockwarden.exe']) {
  rmSync(join(bundled, name), { force: true });
}
copyFileSync(source, join(bundled, executable));
chmodSync(join(bundled, executable), 0o755);
const args = ['vsce', 'package', '--target', target];
if (out !== undefined) {
  args.push('--out', resolve(out));
}
execFileSync('npx', args, { cwd: extension, stdio: 'inherit' });
