// Which dockwarden binary the extension starts. Pure (no `vscode` import) so it is unit-tested in Node.

import * as path from 'node:path';

/** Everything the lookup reads, passed in so tests can describe any machine. */
export interface Lookup {
  /** The `dockwarden.server.path` setting (machine scope: a cloned repository cannot set it); '' when unset. */
  setting: string;
  /** Where the extension is installed; a binary shipped with it lives in `bundled/`. */
  extensionPath: string;
  /** The `PATH` environment variable. */
  pathEnv: string | undefined;
  platform: NodeJS.Platform;
  isFile(file: string): boolean;
}

export type Resolution =
  | { path: string; source: 'setting' | 'bundled' | 'PATH' }
  | { error: string };

/** Shown when nothing is found: what to do about it, in one message. */
export const NOT_FOUND =
  'dockwarden: no server binary found. Install it (`cargo install --locked --path .` in a clone of the repository) so ' +
  'that `dockwarden` is on PATH, or set `dockwarden.server.path` in your user settings, then run ' +
  '"dockwarden: Restart Server".';

/** The setting if given (and then only it: a wrong path is reported, not silently replaced), else the
 * bundled binary, else the first `dockwarden` on PATH. */
export function resolveServer(lookup: Lookup): Resolution {
  const paths = lookup.platform === 'win32' ? path.win32 : path.posix;
  const executable = lookup.platform === 'win32' ? 'dockwarden.exe' : 'dockwarden';
  const setting = lookup.setting.trim();
  if (setting !== '') {
    if (lookup.isFile(setting)) {
      return { path: setting, source: 'setting' };
    }
    return {
      error:
        `dockwarden: \`dockwarden.server.path\` is set to "${setting}", which is not a file. ` +
        'Correct it, or clear it to use the bundled server or the one on PATH.',
    };
  }
  const bundled = paths.join(lookup.extensionPath, 'bundled', executable);
  if (lookup.isFile(bundled)) {
    return { path: bundled, source: 'bundled' };
  }
  const delimiter = lookup.platform === 'win32' ? ';' : ':';
  for (const dir of (lookup.pathEnv ?? '').split(delimiter)) {
    if (dir === '') {
      continue;
    }
    const candidate = paths.join(dir, executable);
    if (lookup.isFile(candidate)) {
      return { path: candidate, source: 'PATH' };
    }
  }
  return { error: NOT_FOUND };
}
