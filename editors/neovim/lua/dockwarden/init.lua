-- dockwarden for Neovim 0.7 to 0.10 (and later, for those who prefer a setup function): starts one server
-- per project root for the buffers of the configured filetypes. (:DockwardenFixAll is in plugin/.)
-- On 0.11+, `vim.lsp.enable('dockwarden')` with lsp/dockwarden.lua does the starting instead.

local M = {}

local defaults = {
  cmd = { 'dockwarden', 'lsp' },
  filetypes = { 'dockerfile', 'yaml', 'yaml.docker-compose' },
  root_markers = { '.dockwarden.yaml', '.git' },
  settings = {},
}

--- The nearest folder, from `path`'s own upwards, that holds one of `markers` (a file or a folder, such
--- as `.git`), else the file's folder. Written with `vim.fn` only: `vim.fs` came in 0.8.
local function root_of(path, markers)
  local start = vim.fn.fnamemodify(path, ':p:h')
  local dir = start
  while true do
    for _, marker in ipairs(markers) do
      local candidate = dir .. '/' .. marker
      if vim.fn.isdirectory(candidate) == 1 or vim.fn.filereadable(candidate) == 1 then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return start
    end
    dir = parent
  end
end

--- Client ids by root, for Neovim without `vim.lsp.start` (0.7), which reuses clients by itself.
local clients = {}

--- Send the editor settings once the server is up: Neovim 0.7 neither sends them nor says it answers
--- `workspace/configuration` (later versions do both; a second notification changes nothing).
local function say_settings(settings)
  return function(client)
    if next(settings) ~= nil then
      client.notify('workspace/didChangeConfiguration', { settings = settings })
    end
  end
end

local function attach(config, bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then
    return
  end
  local root = root_of(name, config.root_markers)
  if vim.lsp.start then
    vim.lsp.start(
      {
        name = 'dockwarden',
        cmd = config.cmd,
        root_dir = root,
        settings = config.settings,
        on_init = say_settings(config.settings),
      },
      { bufnr = bufnr }
    )
    return
  end
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client({
      name = 'dockwarden',
      cmd = config.cmd,
      root_dir = root,
      settings = config.settings,
      on_init = say_settings(config.settings),
    })
    if id == nil then
      vim.notify('dockwarden: could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

--- The dockwarden client attached to `bufnr`, if any.
local function client_of(bufnr)
  if vim.lsp.get_clients then -- 0.10+
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'dockwarden' })[1]
  end
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == 'dockwarden' then
      return client
    end
  end
end

--- Apply the server's `source.fixAll.dockwarden` action (all safe fixes) to the current buffer. Uses only
--- what Neovim 0.7 has: `vim.lsp.buf.code_action{apply=true}` came in 0.8.
function M.fix_all()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_of(bufnr)
  if client == nil then
    vim.notify('dockwarden: no server attached to this buffer', vim.log.levels.WARN)
    return
  end
  local last = math.max(vim.api.nvim_buf_line_count(bufnr) - 1, 0)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
    context = { diagnostics = {}, only = { 'source.fixAll.dockwarden' } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 5000) or {}
  local response = responses[client.id] or {}
  for _, action in ipairs(response.result or {}) do
    if action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
    end
  end
end

--- Start dockwarden for the configured filetypes. `opts` may override `cmd`, `filetypes`, `root_markers`,
--- and give `settings` (`{ dockwarden = { rules = { ... } } }`), which the client answers the server's
--- `workspace/configuration` with.
function M.setup(opts)
  local config = vim.tbl_deep_extend('force', defaults, opts or {})
  local group = vim.api.nvim_create_augroup('dockwarden', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(event)
      attach(config, event.buf)
    end,
  })
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      attach(config, bufnr)
    end
  end
end

return M
