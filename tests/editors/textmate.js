// Loads the VS Code grammar of .flow (editors/vscode/syntaxes) the way VS Code
// does: vscode-textmate over the Oniguruma WebAssembly build, with source.sql
// (the SQL grammar VS Code ships, from the tm-grammars package) available for
// the embedded SQL of text blocks, and the embeddedLanguages/tokenTypes of the
// extension's package.json applied.
//
// Run directly to print the scopes of every token of a file, which is how the
// expectations in fixtures/ are written:
//   node tests/editors/textmate.js FILE.flow
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const ROOT = path.resolve(__dirname, '..', '..');
const EXTENSION_DIR = path.join(ROOT, 'editors', 'vscode');
const MANIFEST = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'package.json'), 'utf8'));
const GRAMMAR_CONTRIBUTION = MANIFEST.contributes.grammars.find((g) => g.language === 'flow');
const GRAMMAR_PATH = path.join(EXTENSION_DIR, GRAMMAR_CONTRIBUTION.path);
const SQL_GRAMMAR_PATH = require.resolve('tm-grammars/grammars/sql.json');

/// Language ids handed to vscode-textmate (any small distinct integers).
const LANGUAGE_IDS = { flow: 1, sql: 2 };
/// vscode-textmate's StandardTokenType values.
const TOKEN_TYPES = { other: 0, comment: 1, string: 2, regex: 3 };

let onigLibPromise;

/// The Oniguruma library, loaded once. Rejects when the wasm file is missing.
function onigLib() {
  if (!onigLibPromise) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    onigLibPromise = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }));
  }
  return onigLibPromise;
}

/// The flow grammar with the package.json's embedded languages and token
/// types. Rejects when a grammar file does not parse.
async function loadFlowGrammar() {
  const registry = new vsctm.Registry({
    onigLib: onigLib(),
    loadGrammar: async (scopeName) => {
      const file = { 'source.flow': GRAMMAR_PATH, 'source.sql': SQL_GRAMMAR_PATH }[scopeName];
      if (!file) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  const embeddedLanguages = {};
  for (const [scope, language] of Object.entries(GRAMMAR_CONTRIBUTION.embeddedLanguages || {})) {
    embeddedLanguages[scope] = LANGUAGE_IDS[language];
  }
  const tokenTypes = {};
  for (const [scope, type] of Object.entries(GRAMMAR_CONTRIBUTION.tokenTypes || {})) {
    tokenTypes[scope] = TOKEN_TYPES[type];
  }
  return registry.loadGrammarWithConfiguration('source.flow', LANGUAGE_IDS.flow, { embeddedLanguages, tokenTypes });
}

/// Splits text into lines the way an editor does (\n, \r\n).
function splitLines(text) {
  return text.split(/\r?\n/);
}

/// Tokenizes `lines` from the initial state. Returns, per line, its text and
/// tokens ({start, end, text, scopes}) and whether tokenizing stopped early,
/// plus the final state stack.
function tokenizeLines(grammar, lines, timeLimitMs = 2000) {
  let state = vsctm.INITIAL;
  const result = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, state, timeLimitMs);
    result.push({
      text: line,
      stoppedEarly: r.stoppedEarly,
      tokens: r.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    });
    state = r.ruleStack;
  }
  return { lines: result, state };
}

module.exports = {
  ROOT,
  EXTENSION_DIR,
  MANIFEST,
  GRAMMAR_PATH,
  LANGUAGE_IDS,
  TOKEN_TYPES,
  INITIAL: vsctm.INITIAL,
  onigLib,
  loadFlowGrammar,
  splitLines,
  tokenizeLines,
};

if (require.main === module) {
  (async () => {
    const file = process.argv[2];
    if (!file) {
      console.error('usage: node tests/editors/textmate.js FILE.flow');
      process.exit(2);
    }
    const grammar = await loadFlowGrammar();
    const { lines } = tokenizeLines(grammar, splitLines(fs.readFileSync(file, 'utf8')));
    lines.forEach((line, i) => {
      for (const t of line.tokens) {
        if (t.text.trim() === '') continue;
        console.log(`${i + 1}\t${JSON.stringify(t.text)}\t${t.scopes.slice(1).join(' ')}`);
      }
    });
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
