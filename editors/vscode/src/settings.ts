// The extension's settings, read once and mapped to what the server is told. Pure (no `vscode` import).

export type Trace = 'off' | 'messages' | 'verbose';

export type Level = 'off' | 'info' | 'warning' | 'error';

/** A rule's severity, or a map of its severity and options (`unpinned-image: {requireDigest: true}`). */
export type RuleSetting = Level | { severity?: Level; requireDigest?: boolean };

export type PodSecurity = 'baseline' | 'restricted';

/** What the linter is told, in `.dockwarden.yaml`'s terms; only what the user set (a config file wins over
 * these, and fills what they leave unsaid). */
export interface LintSettings {
  rules?: Record<string, RuleSetting>;
  trustedRegistries?: string[];
  baseImages?: Record<string, string>;
  ignorePaths?: string[];
  allowSuppressions?: boolean;
  requireReason?: boolean;
  podSecurity?: PodSecurity;
}

export interface Settings {
  enable: boolean;
  trace: Trace;
  lint: LintSettings;
}

/** Reads one setting of the `dockwarden` section (`vscode.WorkspaceConfiguration.get` fits). */
export type Get = (key: string) => unknown;

const TRACES: readonly Trace[] = ['off', 'messages', 'verbose'];
const LEVELS: readonly Level[] = ['off', 'info', 'warning', 'error'];
const POD_SECURITY: readonly PodSecurity[] = ['baseline', 'restricted'];

function isLevel(value: unknown): value is Level {
  return LEVELS.some((l) => l === value);
}

/** A level, or a map whose known keys have valid values (and nothing else). */
function isRuleSetting(value: unknown): value is RuleSetting {
  if (isLevel(value)) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length > 0 &&
    entries.every(
      ([key, v]) =>
        (key === 'severity' && isLevel(v)) || (key === 'requireDigest' && typeof v === 'boolean'),
    )
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** An object's entries whose values pass `keep`; `undefined` when it is not an object. */
function entries<T>(value: unknown, keep: (v: unknown) => v is T): Record<string, T> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined;
  }
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, T] => keep(e[1])));
}

function readLint(get: Get): LintSettings {
  const lint: LintSettings = {};
  const rules = entries(get('rules'), isRuleSetting);
  if (rules && Object.keys(rules).length > 0) lint.rules = rules;
  const registries = get('trustedRegistries');
  if (isStringList(registries)) lint.trustedRegistries = registries;
  const images = entries(get('baseImages'), (v): v is string => typeof v === 'string');
  if (images && Object.keys(images).length > 0) lint.baseImages = images;
  const ignorePaths = get('ignorePaths');
  if (isStringList(ignorePaths)) lint.ignorePaths = ignorePaths;
  const allow = get('allowSuppressions');
  if (typeof allow === 'boolean') lint.allowSuppressions = allow;
  const reason = get('requireReason');
  if (typeof reason === 'boolean') lint.requireReason = reason;
  const podSecurity = POD_SECURITY.find((l) => l === get('podSecurity'));
  if (podSecurity) lint.podSecurity = podSecurity;
  return lint;
}

/** The settings, with the defaults of `package.json` wherever a value is missing or of the wrong type (a
 * hand-edited `settings.json` can hold anything). */
export function readSettings(get: Get): Settings {
  const enable = get('enable');
  const trace = get('trace.server');
  return {
    enable: typeof enable === 'boolean' ? enable : true,
    trace: TRACES.find((t) => t === trace) ?? 'off',
    lint: readLint(get),
  };
}

/** What the server receives in `initializationOptions` (and again on every configuration change). */
export function serverSettings(
  settings: Settings,
): { enable: boolean; trace: Trace } & LintSettings {
  return { enable: settings.enable, trace: settings.trace, ...settings.lint };
}

/** Settings whose change needs a new server process (the binary, or whether one runs at all). */
export const RESTART_ON = ['dockwarden.enable', 'dockwarden.server.path'] as const;
