import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RESTART_ON, readSettings, serverSettings } from '../settings';

function from(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

test('unset settings take the package.json defaults', () => {
  assert.deepEqual(readSettings(from({})), { enable: true, trace: 'off' });
});

test('values are read as given', () => {
  const settings = readSettings(from({ enable: false, 'trace.server': 'verbose' }));
  assert.deepEqual(settings, { enable: false, trace: 'verbose' });
});

test('values of the wrong type or outside the enum fall back to the defaults', () => {
  const settings = readSettings(from({ enable: 'no', 'trace.server': 'loud' }));
  assert.deepEqual(settings, { enable: true, trace: 'off' });
});

test('the server is told enable and trace', () => {
  assert.deepEqual(serverSettings({ enable: false, trace: 'messages' }), {
    enable: false,
    trace: 'messages',
  });
});

test('changing the binary or turning linting off restarts the server', () => {
  assert.deepEqual([...RESTART_ON], ['dockwarden.enable', 'dockwarden.server.path']);
});
