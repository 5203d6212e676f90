// The VS Code extension: its manifest and language configuration hold what
// VS Code needs, the client code type-checks against the installed
// @types/vscode and vscode-languageclient (`tsc --noEmit`), and activate()
// starts `flowc lsp` the way the settings say (with VS Code and the client
// library replaced by recorders).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const tm = require('./textmate');

const EXT = tm.EXTENSION_DIR;
const manifest = tm.MANIFEST;
const TYPESCRIPT_DIR = path.join(EXT, 'node_modules', 'typescript');

test('package.json contributes the flow language, grammar, configuration, setting and activation', () => {
  assert.equal(manifest.name, 'flowc');
  assert.equal(manifest.main, './out/extension.js');
  assert.ok(manifest.engines.vscode, 'engines.vscode is set');
  assert.deepEqual(manifest.activationEvents, ['onLanguage:flow']);

  const language = manifest.contributes.languages.find((l) => l.id === 'flow');
  assert.ok(language, 'language flow is contributed');
  assert.deepEqual(language.extensions, ['.flow']);
  assert.deepEqual(language.filenames, ['flow.project']);
  assert.ok(fs.existsSync(path.join(EXT, language.configuration)), 'the language configuration exists');

  const grammar = manifest.contributes.grammars.find((g) => g.language === 'flow');
  assert.equal(grammar.scopeName, 'source.flow');
  const rawGrammar = JSON.parse(fs.readFileSync(path.join(EXT, grammar.path), 'utf8'));
  assert.equal(rawGrammar.scopeName, grammar.scopeName, 'the grammar file declares the contributed scope');
  assert.equal(grammar.embeddedLanguages['meta.embedded.block.sql'], 'sql');

  const setting = manifest.contributes.configuration.properties['flowc.path'];
  assert.equal(setting.type, 'string');
  assert.equal(setting.default, 'flowc');

  // @types/vscode newer than engines.vscode makes `vsce package` refuse.
  const typesVersion = manifest.devDependencies['@types/vscode'].replace(/^[~^]/, '');
  assert.equal(manifest.engines.vscode, `^${typesVersion}`, '@types/vscode matches engines.vscode');
});

test('tsconfig compiles src/extension.ts to the manifest main', () => {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(EXT, 'tsconfig.json'), 'utf8'));
  const main = path.join(EXT, tsconfig.compilerOptions.outDir, 'extension.js');
  assert.equal(path.normalize(main), path.join(EXT, manifest.main));
  assert.equal(tsconfig.compilerOptions.rootDir, 'src');
  assert.ok(fs.existsSync(path.join(EXT, 'src', 'extension.ts')));
  assert.match(manifest.scripts.compile, /^tsc\b/);
});

test('language-configuration.json: comments, brackets, pairs, word pattern and indentation rules', () => {
  const config = JSON.parse(fs.readFileSync(path.join(EXT, 'language-configuration.json'), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  assert.deepEqual(config.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  const opens = config.autoClosingPairs.map((p) => p.open);
  for (const open of ['{', '[', '(', '"']) assert.ok(opens.includes(open), `auto-closes ${open}`);

  // VS Code compiles these as JavaScript regular expressions.
  const word = new RegExp(`^(?:${config.wordPattern})$`);
  for (const w of ['order_id', '1h30m', '2026-11-24', '07:00', '23:59:30', '5%', '0.25', '1_000_000']) {
    assert.match(w, word, `${w} is one word`);
  }
  assert.doesNotMatch('ds,', word);

  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  for (const line of ['workflow daily_kpi {', '  notify = [  # channels', '  on_failure = alert(', '    sql    = """', 'task t {  # a { in a comment']) {
    assert.match(line, increase, `indents after: ${line}`);
  }
  for (const line of ['  owner = "x"  # {', '  name = "a { b"', '  }', '  expect unique(ds)']) {
    assert.doesNotMatch(line, increase, `does not indent after: ${line}`);
  }
  for (const line of ['}', '  ]', '    )', '    """']) assert.match(line, decrease, `dedents: ${line}`);
  assert.doesNotMatch('  owner = "x"', decrease);

  const docRule = config.onEnterRules.find((r) => new RegExp(r.beforeText).test('## Daily KPIs.'));
  assert.ok(docRule && docRule.action.appendText === '## ', 'Enter in a doc comment continues it');
  assert.ok(!new RegExp(docRule.beforeText).test('# plain comment'), 'plain comments are not continued');
});

test('the extension type-checks (tsc --noEmit)', () => {
  const tsc = path.join(TYPESCRIPT_DIR, 'bin', 'tsc');
  assert.ok(fs.existsSync(tsc), `${tsc} is missing: run scripts/install-editor-deps`);
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', EXT], { encoding: 'utf8' });
  assert.equal(run.status, 0, `tsc --noEmit failed:\n${run.stdout}${run.stderr}`);
});

/// Loads src/extension.ts (transpiled in memory) with `vscode` and
/// `vscode-languageclient/node` replaced by recorders. `settings` holds the
/// configuration values by full key; `startError` makes client.start() fail.
function loadExtension({ settings = {}, workspaceRoot = '/work/proj', startError } = {}) {
  const ts = require(TYPESCRIPT_DIR);
  const file = path.join(EXT, 'src', 'extension.ts');
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;

  const rec = { clients: [], commands: {}, configListeners: [], errors: [], disposables: 0 };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      this.record = { id, name, serverOptions, clientOptions, started: false, stopped: false };
      rec.clients.push(this.record);
    }
    async start() {
      if (startError) throw new Error(startError);
      this.record.started = true;
    }
    async stop() {
      this.record.stopped = true;
    }
  }
  const disposable = { dispose() {} };
  const vscode = {
    workspace: {
      workspaceFolders: workspaceRoot ? [{ uri: { scheme: 'file', fsPath: workspaceRoot } }] : undefined,
      getConfiguration: (section) => ({ get: (key) => settings[`${section}.${key}`] }),
      onDidChangeConfiguration: (listener) => {
        rec.configListeners.push(listener);
        return disposable;
      },
    },
    commands: {
      registerCommand: (id, callback) => {
        rec.commands[id] = callback;
        return disposable;
      },
    },
    window: {
      showErrorMessage: (message) => {
        rec.errors.push(message);
        return Promise.resolve(undefined);
      },
    },
  };
  const mocks = { vscode, 'vscode-languageclient/node': { LanguageClient } };
  const module = { exports: {} };
  const fakeRequire = (name) => (name in mocks ? mocks[name] : require(name));
  new Function('exports', 'require', 'module', '__filename', '__dirname', js)(module.exports, fakeRequire, module, file, path.dirname(file));
  const context = { subscriptions: [] };
  return { extension: module.exports, rec, context, settings };
}

test('activate() starts `flowc lsp` over stdio for flow documents', async () => {
  const { extension, rec, context } = loadExtension({ settings: { 'flowc.path': 'flowc' } });
  await extension.activate(context);
  assert.equal(rec.clients.length, 1);
  const client = rec.clients[0];
  assert.equal(client.id, 'flowc');
  assert.ok(client.started);
  for (const mode of ['run', 'debug']) {
    const exe = client.serverOptions[mode];
    assert.equal(exe.command, 'flowc');
    assert.deepEqual(exe.args, ['lsp']);
    assert.equal(exe.transport, undefined, 'no transport: the client would append --stdio');
    assert.equal(exe.options.cwd, '/work/proj');
  }
  assert.deepEqual(client.clientOptions.documentSelector.map((s) => s.language), ['flow', 'flow']);
  assert.ok(client.clientOptions.documentSelector.some((s) => s.scheme === 'file'));
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(Object.keys(rec.commands).sort(), contributed, 'the contributed commands are registered');
  assert.equal(context.subscriptions.length, 2);

  await extension.deactivate();
  assert.ok(client.stopped, 'deactivate() stops the server');
});

test('flowc.path: bare names, relative paths, ~ and the default', () => {
  const { extension } = loadExtension();
  const home = os.homedir();
  assert.equal(extension.serverCommand(undefined, '/w'), 'flowc');
  assert.equal(extension.serverCommand('  ', '/w'), 'flowc');
  assert.equal(extension.serverCommand('flowc-dev', '/w'), 'flowc-dev');
  assert.equal(extension.serverCommand('/opt/flowc/bin/flowc', '/w'), '/opt/flowc/bin/flowc');
  assert.equal(extension.serverCommand('build/bin/flowc', '/w'), '/w/build/bin/flowc');
  assert.equal(extension.serverCommand('./flowc', '/w'), '/w/flowc');
  assert.equal(extension.serverCommand('~/bin/flowc', '/w'), path.join(home, 'bin/flowc'));
});

test('changing flowc.path or running the restart command restarts the server', async () => {
  const { extension, rec, context, settings } = loadExtension({ settings: { 'flowc.path': 'build/bin/flowc' } });
  await extension.activate(context);
  assert.equal(rec.clients[0].serverOptions.run.command, '/work/proj/build/bin/flowc');

  settings['flowc.path'] = '/usr/local/bin/flowc';
  await rec.configListeners[0]({ affectsConfiguration: (key) => key === 'flowc.trace.server' });
  assert.equal(rec.clients.length, 1, 'other settings do not restart the server');
  await rec.configListeners[0]({ affectsConfiguration: (key) => key === 'flowc.path' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(rec.clients.length, 2);
  assert.ok(rec.clients[0].stopped, 'the old server is stopped');
  assert.equal(rec.clients[1].serverOptions.run.command, '/usr/local/bin/flowc');

  await rec.commands['flowc.restartServer']();
  assert.equal(rec.clients.length, 3);
  assert.ok(rec.clients[1].stopped);
  assert.ok(rec.clients[2].started);
});

test('a server that cannot start is reported, and activation still succeeds', async () => {
  const { extension, rec, context } = loadExtension({ startError: 'spawn flowc ENOENT' });
  await extension.activate(context);
  assert.equal(rec.errors.length, 1);
  assert.match(rec.errors[0], /flowc lsp/);
  assert.match(rec.errors[0], /flowc\.path/);
  assert.match(rec.errors[0], /ENOENT/);
  await extension.deactivate();
});
