// The VS Code side of dockwarden: find the server, start it over stdio, and give the user its commands.
// Everything that can be decided without VS Code lives in `serverPath.ts` and `settings.ts`.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

import { resolveServer } from './serverPath';
import { RESTART_ON, readSettings, serverSettings } from './settings';

/** The server decides which YAML it reads (Compose, Kubernetes, or nothing): every YAML file is sent. */
const DOCUMENTS = ['dockerfile', 'dockercompose', 'yaml'].flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('dockwarden');
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left);
  status.command = 'dockwarden.showOutput';
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand('dockwarden.restartServer', () => restart(context)),
    vscode.commands.registerCommand('dockwarden.fixAll', fixAll),
    vscode.commands.registerCommand('dockwarden.showOutput', () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_ON.some((section) => event.affectsConfiguration(section))) {
        void restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration('dockwarden');
  const settings = readSettings((key) => config.get(key));
  if (!settings.enable) {
    return;
  }
  const resolved = resolveServer({
    setting: config.get<string>('server.path') ?? '',
    extensionPath: context.extensionPath,
    pathEnv: process.env['PATH'],
    platform: process.platform,
    isFile: (file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false,
  });
  if ('error' in resolved) {
    // One message with the fix; no retries, so a missing binary never turns into a crash loop.
    output.appendLine(resolved.error);
    void vscode.window.showErrorMessage(resolved.error, 'Open Settings').then((choice) => {
      if (choice !== undefined) {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'dockwarden.server.path');
      }
    });
    return;
  }
  output.appendLine(`dockwarden: starting ${resolved.path} (from ${resolved.source})`);
  status.text = '$(sync~spin) dockwarden';
  status.tooltip = 'dockwarden: starting the server';
  status.show();
  const serverOptions: ServerOptions = { command: resolved.path, args: ['lsp'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENTS,
    outputChannel: output,
    initializationOptions: serverSettings(settings),
    synchronize: { configurationSection: 'dockwarden' },
    connectionOptions: { maxRestartCount: 2 },
  };
  client = new LanguageClient('dockwarden', 'dockwarden', serverOptions, clientOptions);
  try {
    await client.start();
    status.hide();
  } catch (error) {
    const message = `dockwarden: the server at ${resolved.path} did not start: ${String(error)}`;
    output.appendLine(message);
    status.text = '$(error) dockwarden';
    status.tooltip = message;
    client = undefined;
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop();
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

/** The server's `source.fixAll.dockwarden` action on the active file: safe fixes, to a fixed point. */
async function fixAll(): Promise<void> {
  await vscode.commands.executeCommand('editor.action.codeAction', {
    kind: 'source.fixAll.dockwarden',
    apply: 'first',
  });
}
