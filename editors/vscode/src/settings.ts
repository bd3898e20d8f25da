// The extension's settings, read once and mapped to what the server is told. Pure (no `vscode` import).

export type Trace = 'off' | 'messages' | 'verbose';

export interface Settings {
  enable: boolean;
  trace: Trace;
}

/** Reads one setting of the `dockwarden` section (`vscode.WorkspaceConfiguration.get` fits). */
export type Get = (key: string) => unknown;

const TRACES: readonly Trace[] = ['off', 'messages', 'verbose'];

/** The settings, with the defaults of `package.json` wherever a value is missing or of the wrong type (a
 * hand-edited `settings.json` can hold anything). */
export function readSettings(get: Get): Settings {
  const enable = get('enable');
  const trace = get('trace.server');
  return {
    enable: typeof enable === 'boolean' ? enable : true,
    trace: TRACES.find((t) => t === trace) ?? 'off',
  };
}

/** What the server receives in `initializationOptions` (and again on every configuration change). */
export function serverSettings(settings: Settings): { enable: boolean; trace: Trace } {
  return { enable: settings.enable, trace: settings.trace };
}

/** Settings whose change needs a new server process (the binary, or whether one runs at all). */
export const RESTART_ON = ['dockwarden.enable', 'dockwarden.server.path'] as const;
