import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RESTART_ON, readSettings, serverSettings } from '../settings';

function from(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

test('unset settings take the package.json defaults', () => {
  assert.deepEqual(readSettings(from({})), { enable: true, trace: 'off', lint: {} });
});

test('values are read as given', () => {
  const settings = readSettings(from({ enable: false, 'trace.server': 'verbose' }));
  assert.deepEqual(settings, { enable: false, trace: 'verbose', lint: {} });
});

test('values of the wrong type or outside the enum fall back to the defaults', () => {
  const settings = readSettings(from({ enable: 'no', 'trace.server': 'loud' }));
  assert.deepEqual(settings, { enable: true, trace: 'off', lint: {} });
});

test('the server is told enable and trace', () => {
  assert.deepEqual(serverSettings({ enable: false, trace: 'messages', lint: {} }), {
    enable: false,
    trace: 'messages',
  });
});

test('lint settings reach the server in .dockwarden.yaml terms, only those that are set and valid', () => {
  const settings = readSettings(
    from({
      rules: {
        'run-as-root': 'error',
        'missing-pipefail': 'loud',
        'unpinned-image': { severity: 'warning', requireDigest: true },
        'host-port': { requireDigest: 'yes' },
      },
      trustedRegistries: ['registry.example.com', 3],
      baseImages: { python: 'registry.example.com/python-hardened' },
      ignorePaths: ['vendor/'],
      allowSuppressions: false,
      requireReason: null,
      podSecurity: 'restricted',
    }),
  );
  assert.deepEqual(serverSettings(settings), {
    enable: true,
    trace: 'off',
    rules: {
      'run-as-root': 'error',
      'unpinned-image': { severity: 'warning', requireDigest: true },
    },
    baseImages: { python: 'registry.example.com/python-hardened' },
    ignorePaths: ['vendor/'],
    allowSuppressions: false,
    podSecurity: 'restricted',
  });
});

test('changing the binary or turning linting off restarts the server', () => {
  assert.deepEqual([...RESTART_ON], ['dockwarden.enable', 'dockwarden.server.path']);
});
