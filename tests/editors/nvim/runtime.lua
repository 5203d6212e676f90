-- Checks the runtime files of editors/nvim (ftdetect, ftplugin, syntax) in a
-- headless Neovim with `-u NONE` and editors/nvim on 'runtimepath', the way a
-- user adds them with `:set rtp+=editors/nvim`: the filetype is detected, the
-- buffer options are set, and the syntax groups of a fixture are the expected
-- ones. flowc.lua is not loaded here.
--
-- Usage (from the repository root):
--   nvim --headless -u NONE -i NONE --cmd 'set rtp^=editors/nvim' -c 'luafile tests/editors/nvim/runtime.lua'

local root = vim.fn.getcwd()
local failures = {}
local checks = 0

local function check(ok, what)
  checks = checks + 1
  if not ok then
    table.insert(failures, what)
  end
end

local ok, err = xpcall(function()
  vim.cmd('filetype plugin on')
  vim.cmd('syntax enable')

  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/tests/editors/fixtures/highlight.flow'))
  check(vim.bo.filetype == 'flow', '*.flow gets filetype flow from ftdetect (got ' .. vim.bo.filetype .. ')')
  check(vim.bo.commentstring == '# %s', 'ftplugin sets commentstring to "# %s" (got ' .. vim.bo.commentstring .. ')')
  check(vim.bo.shiftwidth == 2 and vim.bo.expandtab, 'ftplugin indents with two spaces')
  check(vim.b.current_syntax == 'flow', 'syntax/flow.vim is loaded')

  -- The syntax group at the first occurrence of `text` on `line` (1-based).
  local function group_at(line, text, nth)
    local content = vim.fn.getline(line)
    local from = 1
    local col
    for _ = 1, nth or 1 do
      col = string.find(content, text, from, true)
      if col == nil then return nil end
      from = col + 1
    end
    return vim.fn.synIDattr(vim.fn.synID(line, col, 1), 'name')
  end

  local expected = {
    { 1, '##', 'flowDocComment' },
    { 2, '`ds`', 'flowDocCode' },
    { 3, 'workflow', 'flowBlockKind' },
    { 3, 'daily_revenue', 'flowBlockName' },
    { 4, 'owner', 'flowAttribute' },
    { 4, 'analytics', 'flowString' },
    { 4, '# who', 'flowComment' },
    { 5, 'cron', 'flowCall' },
    { 6, '09:30', 'flowTime' },
    { 7, '2026-11-24', 'flowDate' },
    { 9, '30s', 'flowDuration' },
    { 9, '1h30m', 'flowDuration' },
    { 11, 'param', 'flowParam' },
    { 11, 'ds', 'flowParamName' },
    { 11, 'date', 'flowType' },
    { 15, 'and', 'flowOperatorWord' },
    { 21, '"""', 'flowTextBlock' },
    { 22, 'select', 'flowTextBlock' },
    { 23, '${', 'flowInterpolationDelimiter' },
    { 23, 'orders', 'flowInterpolation' },
    { 25, '$${', 'flowInterpolationEscape' },
    { 27, 'expect', 'flowKeyword' },
    { 27, '500', 'flowNumber' },
    { 28, '0.5%', 'flowPercent' },
    { 28, 'warn', 'flowSeverity' },
    { 30, 'true', 'flowBoolean' },
    { 31, 'self', 'flowSelf' },
    { 40, '\\t', 'flowEscape' },
    { 41, '1_000_000', 'flowNumber' },
    { 47, 'extern', 'flowExtern' },
    { 47, 'row_count', 'flowFunctionName' },
    { 47, 'metric', 'flowType' },
    { 48, 'column', 'flowType' },
    { 49, 'target', 'flowBlockKind' },
    { 49, 'dsn', 'flowAttribute' },
    { 51, '# see ${stage_orders}', 'flowComment' },
  }
  for _, e in ipairs(expected) do
    local got = group_at(e[1], e[2])
    check(got == e[3], string.format('line %d `%s` is %s (got %s)', e[1], e[2], e[3], tostring(got)))
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/tests/editors/fixtures/invalid.flow'))
  check(group_at(2, '30m1h') == 'flowError', 'a malformed duration is flowError (got ' .. tostring(group_at(2, '30m1h')) .. ')')
  check(group_at(3, '\\-') == 'flowEscapeError', 'an unknown escape is flowEscapeError')
  check(group_at(7, 'poll') == 'flowAttribute', 'an unterminated string ends with its line')

  -- An attribute named like a block kind stays an attribute.
  vim.cmd('enew')
  vim.bo.filetype = 'flow'
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'workflow w {', '  target = warehouse', '}' })
  check(group_at(2, 'target') == 'flowAttribute', '`target = x` is an attribute (got ' .. tostring(group_at(2, 'target')) .. ')')

  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/examples/daily_kpi/flow.project'))
  check(vim.bo.filetype == 'flow', 'flow.project gets filetype flow (got ' .. vim.bo.filetype .. ')')
end, debug.traceback)

if not ok then
  table.insert(failures, 'error: ' .. tostring(err))
end
for _, f in ipairs(failures) do
  io.stderr:write('FAIL: ' .. f .. '\n')
end
io.stderr:write(string.format('nvim runtime files: %d checks, %d failed\n', checks, #failures))
vim.cmd(#failures == 0 and 'qall!' or 'cquit 1')
