-- End to end with a real editor: Neovim 0.7 starts `flowc lsp` on
-- tests/lsp/e2e/kpi.flow (a copy), waits for the diagnostics, and checks the
-- E0306 diagnostic (code, line and column: the server's UTF-16 columns,
-- converted by Neovim, must land on the right byte after "é😀"), a hover
-- and a go-to-definition. Exits 0 when every check holds, 1 otherwise.
-- Run by nvim_e2e.sh: FLOWC is the binary, FLOW_FILE the file to open.
local flowc = os.getenv("FLOWC")
local file = os.getenv("FLOW_FILE")
local failures = 0

local function check(ok, what)
  if ok then
    io.stdout:write("ok   " .. what .. "\n")
  else
    io.stdout:write("FAIL " .. what .. "\n")
    failures = failures + 1
  end
end

local function finish()
  io.stdout:flush()
  os.exit(failures == 0 and 0 or 1)
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local exited_with = nil
local client_id = vim.lsp.start_client({
  name = "flowc",
  cmd = { flowc, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
  on_exit = function(code) exited_with = code end,
})
check(client_id ~= nil, "start_client")
if not client_id then finish() end
vim.lsp.buf_attach_client(bufnr, client_id)
local client = vim.lsp.get_client_by_id(client_id)

-- Diagnostics: the typo `${ordrs}` on line 15 (0-based 14).
local got = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
check(got, "diagnostics arrive")
local diagnostics = vim.diagnostic.get(bufnr)
local d = diagnostics[1] or {}
check(#diagnostics == 1, "exactly one diagnostic (got " .. #diagnostics .. ")")
check(d.code == "E0306", "diagnostic code E0306 (got " .. tostring(d.code) .. ")")
check(d.lnum == 14, "diagnostic on line 15 (got " .. tostring(d.lnum and d.lnum + 1) .. ")")
local line = vim.api.nvim_buf_get_lines(bufnr, 14, 15, false)[1]
local byte_col = line:find("ordrs", 1, true) - 1
check(d.col == byte_col, "diagnostic starts at byte column " .. byte_col .. " (got " .. tostring(d.col) .. ")")
check(d.source == "flowc", "diagnostic source flowc")

local uri = vim.uri_from_bufnr(bufnr)
local function position_of(needle, line0)
  local text = vim.api.nvim_buf_get_lines(bufnr, line0, line0 + 1, false)[1]
  local col = text:find(needle, 1, true) - 1
  local utf16 = vim.str_utfindex(text, col)
  return { line = line0, character = utf16 }
end

-- Hover on `daily` inside `${daily}` (line 21, 0-based 20).
local hover = client.request_sync("textDocument/hover",
  { textDocument = { uri = uri }, position = position_of("daily}", 20) }, 10000, bufnr)
local value = hover and hover.result and hover.result.contents and hover.result.contents.value or ""
check(value:find("task kpi.daily", 1, true) ~= nil, "hover names the task")
check(value:find("analytics.daily", 1, true) ~= nil, "hover shows the physical table")
check(value:find("Revenue per day.", 1, true) ~= nil, "hover shows the doc comment")

-- Go to definition from the same place: the task's name on line 12 (0-based 11).
local def = client.request_sync("textDocument/definition",
  { textDocument = { uri = uri }, position = position_of("daily}", 20) }, 10000, bufnr)
local loc = def and def.result and def.result[1] or {}
check(loc.uri == uri, "definition in the same file")
check(loc.range and loc.range.start.line == 11 and loc.range.start.character == 7,
  "definition at line 12 column 8")

-- Edit the typo away: the diagnostic goes.
vim.api.nvim_buf_set_text(bufnr, 14, byte_col, 14, byte_col + 5, { "orders" })
local cleared = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) == 0 end, 50)
check(cleared, "fixing the typo clears the diagnostic")

client.stop()
vim.wait(10000, function() return exited_with ~= nil end, 50)
check(exited_with == 0, "server exits with 0 after shutdown (got " .. tostring(exited_with) .. ")")
finish()
