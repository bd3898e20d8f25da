import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type Lookup, NOT_FOUND, resolveServer } from '../serverPath';

function machine(files: string[], overrides: Partial<Lookup> = {}): Lookup {
  return {
    setting: '',
    extensionPath: '/ext',
    pathEnv: '/usr/local/bin:/usr/bin',
    platform: 'linux',
    isFile: (file) => files.includes(file),
    ...overrides,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const lookup = machine(['/opt/dw', '/ext/bundled/dockwarden', '/usr/bin/dockwarden'], {
    setting: '/opt/dw',
  });
  assert.deepEqual(resolveServer(lookup), { path: '/opt/dw', source: 'setting' });
});

test('a setting that names no file is an error, not a silent fallback', () => {
  const lookup = machine(['/ext/bundled/dockwarden'], { setting: '/nope/dockwarden' });
  const resolved = resolveServer(lookup);
  assert.ok('error' in resolved);
  assert.match(resolved.error, /"\/nope\/dockwarden", which is not a file/);
});

test('a blank setting counts as unset: the bundled binary comes next', () => {
  const lookup = machine(['/ext/bundled/dockwarden', '/usr/bin/dockwarden'], { setting: '  ' });
  assert.deepEqual(resolveServer(lookup), { path: '/ext/bundled/dockwarden', source: 'bundled' });
});

test('then the first dockwarden on PATH, in PATH order, skipping empty entries', () => {
  const lookup = machine(['/usr/bin/dockwarden', '/usr/local/bin/dockwarden'], {
    pathEnv: ':/usr/local/bin:/usr/bin',
  });
  assert.deepEqual(resolveServer(lookup), { path: '/usr/local/bin/dockwarden', source: 'PATH' });
});

test('on Windows the binary is dockwarden.exe and PATH is split on semicolons', () => {
  const lookup = machine(['C:\\tools\\dockwarden.exe'], {
    extensionPath: 'C:\\ext',
    pathEnv: 'C:\\Windows;C:\\tools',
    platform: 'win32',
  });
  assert.deepEqual(resolveServer(lookup), { path: 'C:\\tools\\dockwarden.exe', source: 'PATH' });
});

test('nothing found: one error that says how to fix it', () => {
  assert.deepEqual(resolveServer(machine([], { pathEnv: undefined })), { error: NOT_FOUND });
  assert.match(NOT_FOUND, /dockwarden\.server\.path/);
  assert.match(NOT_FOUND, /cargo install/);
});
