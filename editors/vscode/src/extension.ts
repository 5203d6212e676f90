// The Flow extension: a language client that runs `flowc lsp` over stdio for
// every `.flow` file and `flow.project`. Highlighting comes from the TextMate
// grammar in syntaxes/ and works without the binary; everything else
// (diagnostics, hover, definition, references, rename, completion, outline,
// formatting, quick fixes) comes from the server.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

const CLIENT_ID = 'flowc';
const CLIENT_NAME = 'Flow language server';

let client: LanguageClient | undefined;

/// Starts the client; registers the restart command and restarts the server
/// when `flowc.path` changes. A server that cannot start is reported in an
/// error message, and highlighting keeps working.
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('flowc.restartServer', () => restart()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('flowc.path')) void restart();
    }),
  );
  await start();
}

/// Stops the server when VS Code unloads the extension.
export async function deactivate(): Promise<void> {
  await stop();
}

/// The command that starts the server: `flowc.path` resolved to an absolute
/// path when it names a file (relative paths from the first workspace folder,
/// `~` from the home directory); a bare name is left to the PATH lookup.
export function serverCommand(setting: string | undefined, workspaceRoot: string | undefined): string {
  let command = (setting ?? '').trim();
  if (command === '') return 'flowc';
  if (command === '~' || command.startsWith('~/')) command = path.join(os.homedir(), command.slice(1));
  const isBareName = !command.includes('/') && !command.includes('\\');
  if (isBareName || path.isAbsolute(command)) return command;
  return path.resolve(workspaceRoot ?? process.cwd(), command);
}

async function start(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const workspaceRoot = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  const command = serverCommand(vscode.workspace.getConfiguration('flowc').get<string>('path'), workspaceRoot);

  // No `transport`: a plain executable talks over stdin/stdout already
  // (`flowc lsp` also takes the `--stdio` a client would append).
  const executable: Executable = { command, args: ['lsp'], options: { cwd: workspaceRoot } };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'flow' },
      { scheme: 'untitled', language: 'flow' },
    ],
    // The server registers its own file watchers (`*.flow`, `flow.project`,
    // the SQL files that `file()` reads) through dynamic registration.
    outputChannelName: 'flowc',
  };

  const candidate = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  try {
    await candidate.start();
    client = candidate;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `Flow: could not start \`${command} lsp\` (${reason}). Install flowc or set \`flowc.path\` to the binary.`,
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) await running.stop();
}

async function restart(): Promise<void> {
  await stop();
  await start();
}
