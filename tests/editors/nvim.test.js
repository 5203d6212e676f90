// The Neovim integration, in a headless Neovim: flowc.lua loads with -u NONE,
// starts one client per project with `flowc lsp` (nvim/lsp_wiring.lua), and
// the runtime files detect the filetype and highlight the fixture
// (nvim/runtime.lua). Skipped, and reported as skipped, when nvim is not
// installed. With FLOWC_BINARY set, lsp_wiring.lua also starts the real server.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const tm = require('./textmate');

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const skip = nvim.status === 0 ? false : 'nvim is not installed (Debian package neovim)';

function runNvim(args) {
  return spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', ...args], {
    cwd: tm.ROOT,
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, XDG_STATE_HOME: require('os').tmpdir(), XDG_DATA_HOME: require('os').tmpdir() },
  });
}

test('flowc.lua loads in a bare Neovim', { skip }, () => {
  const run = runNvim(['-c', 'luafile editors/nvim/flowc.lua', '-c', 'qall!']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr.trim(), '', 'no errors or warnings while loading');
});

test('flowc.lua starts `flowc lsp` per project and attaches it on FileType flow', { skip }, () => {
  const run = runNvim(['-c', 'luafile tests/editors/nvim/lsp_wiring.lua']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /checks, 0 failed/);
});

test('ftdetect, ftplugin and syntax work from the runtimepath', { skip }, () => {
  const run = runNvim(['--cmd', 'set rtp^=editors/nvim', '-c', 'luafile tests/editors/nvim/runtime.lua']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /checks, 0 failed/);
});
