-- flowc for Neovim (0.7 or later): the `flow` filetype for `*.flow` and
-- `flow.project`, and the language server `flowc lsp` attached to every flow
-- buffer, one server per project (the nearest directory holding a
-- `flow.project`, else the file's own directory).
--
-- Use it with either
--   :luafile /path/to/flowc/editors/nvim/flowc.lua
-- or, in init.lua,
--   dofile('/path/to/flowc/editors/nvim/flowc.lua').setup({ cmd = { '/opt/flowc/bin/flowc', 'lsp' } })
-- Sourcing the file sets up the defaults (or `vim.g.flowc_lsp`, a table of the
-- same options); `setup()` again replaces them. Highlighting comes from
-- syntax/flow.vim: add `editors/nvim` to 'runtimepath' for it.
--
-- Only APIs that exist in Neovim 0.7 are used (`vim.lsp.start_client`,
-- `vim.lsp.buf_attach_client`, `nvim_create_autocmd`); 0.8's `vim.lsp.start`
-- and `vim.fs` are not needed.

local M = {}

local defaults = {
  -- The server command; `flowc` must be on PATH unless a path is given.
  cmd = { 'flowc', 'lsp' },
  -- Name of the client in `:LspInfo` and in log messages.
  name = 'flowc',
  -- Called with (client, bufnr) when the client attaches to a buffer.
  on_attach = nil,
  -- LSP client capabilities; the defaults of `vim.lsp.protocol`.
  capabilities = nil,
}

local options = vim.deepcopy(defaults)
-- Client id per project root, so every buffer of a project shares one server.
local clients_by_root = {}
local warned_missing_binary = false

--- Returns the project root for `path`: the nearest ancestor directory (the
--- file's own directory included) that holds a `flow.project`, else the
--- file's own directory. Never fails; returns the working directory for an
--- empty path.
function M.root_dir(path)
  if path == nil or path == '' then
    return vim.loop.cwd()
  end
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local current = dir
  while true do
    if vim.loop.fs_stat(current .. '/flow.project') ~= nil then
      return current
    end
    local parent = vim.fn.fnamemodify(current, ':h')
    if parent == current then
      return dir
    end
    current = parent
  end
end

--- Returns the id of a running client for `root`, or nil when there is none
--- (never started, exited, or stopped).
local function running_client(root)
  local id = clients_by_root[root]
  if id == nil then
    return nil
  end
  local client = vim.lsp.get_client_by_id(id)
  if client == nil or client.is_stopped() then
    clients_by_root[root] = nil
    return nil
  end
  return id
end

--- Starts (or reuses) the server of the buffer's project and attaches it to
--- the buffer. Returns the client id, or nil when the server cannot start
--- (the reason is shown once with vim.notify).
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local root = M.root_dir(vim.api.nvim_buf_get_name(bufnr))
  local id = running_client(root)
  if id == nil then
    if vim.fn.executable(options.cmd[1]) ~= 1 then
      if not warned_missing_binary then
        warned_missing_binary = true
        vim.notify(
          string.format('flowc: `%s` not found; install flowc or pass its path as cmd to setup()', options.cmd[1]),
          vim.log.levels.WARN
        )
      end
      return nil
    end
    local ok, started = pcall(vim.lsp.start_client, {
      name = options.name,
      cmd = options.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      capabilities = options.capabilities or vim.lsp.protocol.make_client_capabilities(),
      on_attach = options.on_attach,
      on_exit = function()
        clients_by_root[root] = nil
      end,
    })
    if not ok or started == nil then
      vim.notify('flowc: could not start the language server: ' .. tostring(started), vim.log.levels.ERROR)
      return nil
    end
    id = started
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Sets the options (see `defaults` above; unknown keys are ignored) and
--- (re)creates the autocommands: filetype detection and attaching the server
--- on `FileType flow`. Returns the module.
function M.setup(opts)
  -- Shallow on purpose: a `cmd` list replaces the default one, never merges.
  options = vim.tbl_extend('force', vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup('flowc', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = { '*.flow', 'flow.project' },
    command = 'setfiletype flow',
  })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'flow',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  return M
end

M.setup(vim.g.flowc_lsp)

return M
