-- Checks editors/nvim/flowc.lua in a headless Neovim started with `-u NONE`:
-- filetype detection, one client per project root (nearest flow.project, else
-- the file's directory), the default command `flowc lsp`, and that a second
-- buffer of the same project reuses the client. The LSP functions are
-- replaced by recorders, so no server runs. With FLOWC_BINARY set, a second
-- part starts the real `flowc lsp` and waits for it to initialize.
--
-- Usage (from the repository root):
--   nvim --headless -u NONE -i NONE -c 'luafile tests/editors/nvim/lsp_wiring.lua'
-- Exits 0 when every check holds; prints each failure and exits 1 otherwise.

local root = vim.fn.getcwd()
local failures = {}
local checks = 0

local function check(ok, what)
  checks = checks + 1
  if not ok then
    table.insert(failures, what)
  end
end

local function finish()
  for _, f in ipairs(failures) do
    io.stderr:write('FAIL: ' .. f .. '\n')
  end
  io.stderr:write(string.format('nvim lsp wiring: %d checks, %d failed\n', checks, #failures))
  vim.cmd(#failures == 0 and 'qall!' or 'cquit 1')
end

local ok, err = xpcall(function()
  -- A throw-away project tree: proj/flow.project with a file two levels down,
  -- and a loose file in other/ with no flow.project above it.
  local tmp = vim.fn.tempname()
  vim.fn.mkdir(tmp .. '/proj/pipelines/daily', 'p')
  vim.fn.mkdir(tmp .. '/other', 'p')
  vim.fn.writefile({ 'project p {', '}' }, tmp .. '/proj/flow.project')
  vim.fn.writefile({ 'workflow a {', '  owner = "x"', '}' }, tmp .. '/proj/pipelines/daily/a.flow')
  vim.fn.writefile({ 'workflow b {', '}' }, tmp .. '/proj/b.flow')
  vim.fn.writefile({ 'workflow c {', '}' }, tmp .. '/other/c.flow')
  tmp = vim.fn.resolve(tmp)

  local real_lsp = {
    start_client = vim.lsp.start_client,
    buf_attach_client = vim.lsp.buf_attach_client,
    get_client_by_id = vim.lsp.get_client_by_id,
  }
  local started, attached = {}, {}
  local clients = {}
  vim.lsp.start_client = function(config)
    table.insert(started, config)
    local id = #started
    clients[id] = { id = id, config = config, is_stopped = function() return false end }
    return id
  end
  vim.lsp.buf_attach_client = function(bufnr, id)
    table.insert(attached, { buf = bufnr, id = id })
    return true
  end
  vim.lsp.get_client_by_id = function(id)
    return clients[id]
  end
  local real_executable = vim.fn.executable
  vim.fn.executable = function(name)
    if name == 'flowc' then return 1 end
    return real_executable(name)
  end

  local flowc = dofile(root .. '/editors/nvim/flowc.lua')
  check(type(flowc) == 'table' and type(flowc.setup) == 'function', 'flowc.lua returns a module with setup()')

  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/proj/pipelines/daily/a.flow'))
  check(vim.bo.filetype == 'flow', '*.flow gets filetype flow (got ' .. vim.bo.filetype .. ')')
  check(#started == 1, 'opening a flow file starts one client (started ' .. #started .. ')')
  if #started >= 1 then
    local config = started[1]
    check(vim.deep_equal(config.cmd, { 'flowc', 'lsp' }), 'default cmd is {"flowc", "lsp"} (got ' .. vim.inspect(config.cmd) .. ')')
    check(config.root_dir == tmp .. '/proj', 'root_dir is the nearest flow.project directory (got ' .. tostring(config.root_dir) .. ')')
    check(config.name == 'flowc', 'client name is flowc')
    check(type(config.workspace_folders) == 'table' and config.workspace_folders[1].uri == vim.uri_from_fname(tmp .. '/proj'),
      'workspace folder is the project root')
  end
  check(#attached == 1 and attached[1].buf == vim.api.nvim_get_current_buf(), 'the client is attached to the buffer')

  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/proj/b.flow'))
  check(#started == 1, 'a second file of the same project reuses the client (started ' .. #started .. ')')
  check(#attached == 2 and attached[2].id == 1, 'the second buffer is attached to the same client')

  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/proj/flow.project'))
  check(vim.bo.filetype == 'flow', 'flow.project gets filetype flow (got ' .. vim.bo.filetype .. ')')
  check(#started == 1, 'flow.project joins its project client')

  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/other/c.flow'))
  check(#started == 2, 'a file outside the project starts its own client')
  if #started >= 2 then
    check(started[2].root_dir == tmp .. '/other', 'without flow.project the root is the file directory (got ' .. tostring(started[2].root_dir) .. ')')
  end

  vim.cmd('enew')
  vim.cmd('file notes.txt')
  vim.cmd('doautocmd BufNewFile notes.txt')
  check(vim.bo.filetype ~= 'flow', 'other files do not become flow')
  check(#started == 2, 'non-flow buffers start no client')

  -- setup() replaces the options and the autocommands (no duplicates).
  flowc.setup({ cmd = { '/opt/flowc/bin/flowc', 'lsp' } })
  vim.fn.executable = function() return 1 end
  vim.fn.mkdir(tmp .. '/third', 'p')
  vim.fn.writefile({ 'workflow d {', '}' }, tmp .. '/third/d.flow')
  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/third/d.flow'))
  check(#started == 3, 'after setup() a new project starts exactly one client (started ' .. #started .. ')')
  if #started >= 3 then
    check(vim.deep_equal(started[3].cmd, { '/opt/flowc/bin/flowc', 'lsp' }), 'setup({cmd = ...}) replaces the command')
  end

  -- Sourcing the file again takes its options from vim.g.flowc_lsp.
  vim.g.flowc_lsp = { cmd = { '/from/g/flowc', 'lsp' } }
  dofile(root .. '/editors/nvim/flowc.lua')
  vim.fn.mkdir(tmp .. '/fourth', 'p')
  vim.fn.writefile({ 'workflow e {', '}' }, tmp .. '/fourth/e.flow')
  vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/fourth/e.flow'))
  check(#started == 4, 're-sourcing flowc.lua does not duplicate the autocommands (started ' .. #started .. ')')
  if #started >= 4 then
    check(vim.deep_equal(started[4].cmd, { '/from/g/flowc', 'lsp' }), 'vim.g.flowc_lsp sets the options when the file is sourced')
  end
  vim.g.flowc_lsp = nil
  vim.fn.executable = real_executable

  -- Optional: the real server.
  local binary = os.getenv('FLOWC_BINARY')
  if binary ~= nil and binary ~= '' then
    vim.lsp.start_client = real_lsp.start_client
    vim.lsp.buf_attach_client = real_lsp.buf_attach_client
    vim.lsp.get_client_by_id = real_lsp.get_client_by_id
    flowc.setup({ cmd = { binary, 'lsp' } })
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/examples/daily_kpi/daily_kpi.flow'))
    local id
    local ready = vim.wait(15000, function()
      local clients_now = vim.lsp.buf_get_clients(0)
      for client_id, client in pairs(clients_now) do
        if client.initialized then
          id = client_id
          return true
        end
      end
      return false
    end, 50)
    check(ready, 'the real `flowc lsp` initializes within 15 s')
    if ready then
      local client = vim.lsp.get_client_by_id(id)
      check(client.config.root_dir == root .. '/examples/daily_kpi', 'the real client runs in the project root')
      local caps = client.server_capabilities or client.resolved_capabilities or {}
      check(caps.hoverProvider == true or caps.hover == true, 'the server offers hover')
    end

    -- A file with a malformed duration gets the compiler's diagnostic.
    vim.fn.mkdir(tmp .. '/real', 'p')
    vim.fn.writefile({ 'project real {', '}' }, tmp .. '/real/flow.project')
    vim.fn.writefile({ 'legacy job {', '  runtime = 30m1h', '}' }, tmp .. '/real/bad.flow')
    vim.cmd('edit ' .. vim.fn.fnameescape(tmp .. '/real/bad.flow'))
    local bufnr = vim.api.nvim_get_current_buf()
    local published = vim.wait(15000, function()
      for _, d in ipairs(vim.diagnostic.get(bufnr)) do
        if d.lnum == 1 and string.find(d.message, 'malformed duration', 1, true) then
          return true
        end
      end
      return false
    end, 50)
    check(published, 'the server publishes the malformed-duration diagnostic for the buffer (got '
      .. vim.inspect(vim.diagnostic.get(bufnr)) .. ')')
    for _, client in pairs(vim.lsp.get_active_clients()) do
      client.stop()
    end
  end
end, debug.traceback)

if not ok then
  table.insert(failures, 'error: ' .. tostring(err))
end
finish()
