// The VS Code grammar of .flow: every regex compiles, every include resolves,
// every .flow file of the repository tokenizes (valid ones without an
// `invalid.*` scope and with every region closed at the end of the file), the
// fixtures get the scopes written in fixtures/scopes.json, and the embedded
// SQL and interpolations get the languages and token types VS Code uses.
'use strict';

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const oniguruma = require('vscode-oniguruma');
const tm = require('./textmate');

const FIXTURES = path.join(__dirname, 'fixtures');
const SWEPT_DIRS = ['examples', 'tests/golden', 'stdlib'];

let grammar;

before(async () => {
  await tm.onigLib();
  grammar = await tm.loadFlowGrammar();
  assert.ok(grammar, 'the grammar source.flow loads');
});

/// Every object of the grammar JSON with its path, depth first.
function* walk(node, where = '$') {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* walk(node[i], `${where}[${i}]`);
  } else if (node && typeof node === 'object') {
    yield [node, where];
    for (const [key, value] of Object.entries(node)) yield* walk(value, `${where}.${key}`);
  }
}

function rawGrammar() {
  return JSON.parse(fs.readFileSync(tm.GRAMMAR_PATH, 'utf8'));
}

test('every regex of the grammar compiles with Oniguruma', () => {
  let count = 0;
  for (const [node, where] of walk(rawGrammar())) {
    for (const key of ['match', 'begin', 'end', 'while']) {
      if (typeof node[key] !== 'string') continue;
      count++;
      assert.doesNotThrow(() => new oniguruma.OnigScanner([node[key]]).dispose(), `${where}.${key}: ${node[key]}`);
    }
  }
  assert.ok(count > 40, `found ${count} regexes`);
});

test('every #include names a repository rule and every repository rule is used', () => {
  const raw = rawGrammar();
  const names = new Set(Object.keys(raw.repository));
  const used = new Set();
  for (const [node, where] of walk(raw)) {
    if (typeof node.include !== 'string') continue;
    const include = node.include;
    if (include.startsWith('#')) {
      assert.ok(names.has(include.slice(1)), `${where}: ${include} is not in the repository`);
      used.add(include.slice(1));
    } else {
      assert.ok(['$self', '$base', 'source.sql'].includes(include), `${where}: unexpected include ${include}`);
    }
  }
  for (const name of names) assert.ok(used.has(name), `repository rule ${name} is never included`);
});

test('the scope names of the grammar end in .flow (or .sql inside embedded SQL)', () => {
  for (const [node, where] of walk(rawGrammar())) {
    if (where === '$') continue; // the grammar's display name
    for (const key of ['name', 'contentName']) {
      if (typeof node[key] !== 'string') continue;
      for (const scope of node[key].split(' ')) {
        assert.match(scope, /\.(flow|sql)$/, `${where}.${key}: ${scope}`);
      }
    }
  }
});

/// The .flow files (and flow.project files) under the swept directories.
function flowFiles() {
  const found = [];
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.flow') || entry.name === 'flow.project') found.push(full);
    }
  };
  for (const dir of SWEPT_DIRS) {
    const full = path.join(tm.ROOT, dir);
    if (fs.existsSync(full)) visit(full);
  }
  return found.sort();
}

/// Splits a golden file into its project files at `# --- <path>` lines.
/// Returns [{path, firstLine, lines}] (firstLine is 1-based).
function splitParts(file, lines) {
  const parts = [{ path: path.basename(file), firstLine: 1, lines: [] }];
  lines.forEach((line, i) => {
    const split = /^# --- (\S+)\s*$/.exec(line);
    if (split) parts.push({ path: split[1], firstLine: i + 2, lines: [] });
    else parts[parts.length - 1].lines.push(line);
  });
  return parts;
}

/// Files with lexical or syntax errors on purpose (golden E00xx failures)
/// are only required to tokenize; every other file must be clean.
function isLexicallyValid(file) {
  return !/^fail_E00\d\d_/.test(path.basename(file));
}

test('every .flow file of the repository tokenizes', async (t) => {
  const files = flowFiles();
  assert.ok(files.length >= 20, `expected the examples, golden cases and stdlib, found ${files.length} files`);
  const initialDepth = grammar.tokenizeLine('', tm.INITIAL).ruleStack.depth;

  for (const file of files) {
    const relative = path.relative(tm.ROOT, file);
    await t.test(relative, () => {
      const strict = isLexicallyValid(file);
      const parts = splitParts(file, tm.splitLines(fs.readFileSync(file, 'utf8')));
      for (const part of parts) {
        if (!(part.path.endsWith('.flow') || path.basename(part.path) === 'flow.project')) continue;
        const { lines, state } = tm.tokenizeLines(grammar, part.lines);
        lines.forEach((line, i) => {
          const where = `${relative}:${part.firstLine + i}`;
          assert.equal(line.stoppedEarly, false, `${where}: tokenizing stopped early`);
          let expectedStart = 0;
          for (const token of line.tokens) {
            assert.equal(token.start, expectedStart, `${where}: tokens leave a gap at column ${expectedStart}`);
            expectedStart = token.end;
          }
          assert.ok(expectedStart >= line.text.length, `${where}: tokens stop at column ${expectedStart} of ${line.text.length}`);
          if (!strict) return;
          for (const token of line.tokens) {
            const bad = token.scopes.find((s) => s.startsWith('invalid'));
            assert.equal(bad, undefined, `${where}: ${JSON.stringify(token.text)} at column ${token.start + 1} is ${bad}`);
          }
        });
        if (strict) {
          assert.equal(state.depth, initialDepth, `${relative} (${part.path}): a string, text block or bracket is still open at the end of the file`);
        }
      }
    });
  }
});

/// Checks one fixture file against its entries in fixtures/scopes.json.
function checkFixture(name, entries) {
  const source = tm.splitLines(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
  const { lines } = tm.tokenizeLines(grammar, source);
  const problems = [];
  for (const [lineNumber, spec, ...scopes] of entries) {
    const [text, nth] = Array.isArray(spec) ? spec : [spec, 1];
    const line = lines[lineNumber - 1];
    const matches = line ? line.tokens.filter((tok) => tok.text === text) : [];
    const token = matches[nth - 1];
    if (!token) {
      const texts = line ? line.tokens.map((tok) => JSON.stringify(tok.text)).join(' ') : '(no such line)';
      problems.push(`${name}:${lineNumber}: no token ${JSON.stringify(text)} (#${nth}); tokens: ${texts}`);
      continue;
    }
    for (const scope of scopes) {
      if (scope.startsWith('!')) {
        const banned = scope.slice(1);
        const hit = token.scopes.find((s) => s === banned || s.startsWith(`${banned}.`));
        if (hit) problems.push(`${name}:${lineNumber}: ${JSON.stringify(text)} must not be ${hit}`);
      } else if (!token.scopes.includes(scope)) {
        problems.push(`${name}:${lineNumber}: ${JSON.stringify(text)} lacks ${scope}; has ${token.scopes.slice(1).join(' ')}`);
      }
    }
  }
  assert.deepEqual(problems, []);
}

test('fixtures get the scopes of fixtures/scopes.json', async (t) => {
  const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'scopes.json'), 'utf8'));
  const fixtures = Object.keys(expected).filter((k) => k.endsWith('.flow'));
  assert.ok(fixtures.length >= 2);
  for (const name of fixtures) {
    await t.test(name, () => checkFixture(name, expected[name]));
  }
});

test('${...} inside an SQL text block is an interpolation, in SQL code, quotes and comments alike', () => {
  const source = [
    'task t {',
    '  sql = """',
    "    select * from ${orders} where note = '${ds}' -- ${self}",
    '    /* ${ds} */ and x = $${not_this}',
    '  """',
    '}',
  ];
  const { lines } = tm.tokenizeLines(grammar, source);
  const interpolated = (i) =>
    lines[i].tokens.filter((tok) => tok.scopes.includes('meta.interpolation.flow') && tok.scopes.includes('variable.other.flow') || tok.scopes.includes('variable.language.self.flow')).map((tok) => tok.text);
  assert.deepEqual(interpolated(2), ['orders', 'ds', 'self']);
  assert.deepEqual(interpolated(3), ['ds']);
  for (const token of lines[3].tokens) {
    if (token.text.includes('not_this')) assert.ok(!token.scopes.includes('meta.interpolation.flow'), '$${ is not an interpolation');
  }
  for (const i of [2, 3]) {
    for (const token of lines[i].tokens) {
      assert.ok(token.scopes.includes('meta.text-block.sql.flow'), `line ${i + 1}: ${JSON.stringify(token.text)} is inside the text block`);
    }
  }
  assert.ok(lines[4].tokens.some((tok) => tok.text === '"""' && tok.scopes.includes('punctuation.definition.string.end.flow')));
});

test('an unterminated SQL quote ends at the closing """ of its text block', () => {
  const { lines, state } = tm.tokenizeLines(grammar, ['  sql = """', "    select 'oops", '  """', '  poll = 5m']);
  assert.ok(lines[2].tokens.some((tok) => tok.text === '"""' && tok.scopes.includes('punctuation.definition.string.end.flow')));
  assert.ok(lines[3].tokens.some((tok) => tok.text === 'poll' && tok.scopes.includes('entity.other.attribute-name.flow')));
  assert.equal(state.depth, grammar.tokenizeLine('', tm.INITIAL).ruleStack.depth);
});

/// Language id and standard token type of the token at `column` of a line
/// tokenized with tokenizeLine2 (the encoding VS Code uses).
function attributesAt(line, state, column) {
  const { tokens, ruleStack } = grammar.tokenizeLine2(line, state);
  let metadata = 0;
  for (let i = 0; i < tokens.length; i += 2) {
    if (tokens[i] <= column) metadata = tokens[i + 1];
  }
  return { languageId: metadata & 0xff, tokenType: (metadata >>> 8) & 0x3, ruleStack };
}

test('package.json embeddedLanguages and tokenTypes apply: SQL is sql, interpolations are flow code', () => {
  const { LANGUAGE_IDS: L, TOKEN_TYPES: T } = tm;
  let state = tm.INITIAL;
  let r = attributesAt('  sql = """', state, 2);
  assert.equal(r.languageId, L.flow, 'the attribute name is flow');
  state = r.ruleStack;
  const sqlLine = "    select a from ${orders} where b = 'x'";
  r = attributesAt(sqlLine, state, sqlLine.indexOf('select'));
  assert.equal(r.languageId, L.sql, 'select is sql');
  r = attributesAt(sqlLine, state, sqlLine.indexOf('orders'));
  assert.equal(r.languageId, L.flow, 'the interpolated name is flow');
  assert.equal(r.tokenType, T.other, 'the interpolated name is code');
  r = attributesAt(sqlLine, state, sqlLine.indexOf("'x'") + 1);
  assert.equal(r.languageId, L.sql);
  assert.equal(r.tokenType, T.string, 'an SQL literal is a string');

  const stringLine = '  writes = "a_${ds}" # note';
  r = attributesAt(stringLine, tm.INITIAL, stringLine.indexOf('a_'));
  assert.equal(r.tokenType, T.string, 'string text is a string');
  r = attributesAt(stringLine, tm.INITIAL, stringLine.indexOf('ds'));
  assert.equal(r.tokenType, T.other, 'an interpolation inside a string is code (brackets and completion work there)');
  r = attributesAt(stringLine, tm.INITIAL, stringLine.indexOf('note'));
  assert.equal(r.tokenType, T.comment, 'a comment is a comment');
});
