-- End-to-end test of the dockwarden plugin in a real, headless Neovim (0.7 and current), driven by
-- tests/neovim.rs. Each step waits for the server; a step that does not finish in time fails the run with a
-- message naming it. Progress goes to stderr; the exit code is the verdict.
--
-- Environment: DOCKWARDEN_SERVER (the binary), DOCKWARDEN_WORKSPACE (a folder with the files opened below),
-- DOCKWARDEN_START (`enable`: vim.lsp.enable with lsp/dockwarden.lua, 0.11+; `setup`: the setup() function),
-- DOCKWARDEN_T0_MS (when the test spawned Neovim, ms since the epoch), DOCKWARDEN_TIMEOUT_MS (per step).

local server = assert(os.getenv('DOCKWARDEN_SERVER'), 'DOCKWARDEN_SERVER')
local workspace = assert(os.getenv('DOCKWARDEN_WORKSPACE'), 'DOCKWARDEN_WORKSPACE')
local start = os.getenv('DOCKWARDEN_START') or 'setup'
local t0 = tonumber(os.getenv('DOCKWARDEN_T0_MS') or '0')
local timeout = tonumber(os.getenv('DOCKWARDEN_TIMEOUT_MS') or '20000')

local function say(line)
  io.stderr:write(line .. '\n')
end

local function now_ms()
  local seconds, micros = vim.loop.gettimeofday()
  return seconds * 1000 + micros / 1000
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function describe(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, string.format('%d:%s', d.lnum + 1, tostring(code_of(d))))
  end
  return '[' .. table.concat(out, ', ') .. ']'
end

local function fail(message)
  say('FAIL: ' .. message)
  vim.cmd('cquit 1')
end

--- Wait until `ready()` holds, or fail naming `what`.
local function wait_for(what, ready, bufnr)
  if not vim.wait(timeout, ready, 20) then
    local seen = bufnr and (' diagnostics now: ' .. describe(bufnr)) or ''
    fail(string.format('timed out after %d ms waiting for %s.%s', timeout, what, seen))
  end
end

--- Whether `bufnr` has a finding of `code` on 1-based `line` (any line when nil).
local function has(bufnr, code, line)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == code and (line == nil or d.lnum + 1 == line) then
      return true
    end
  end
  return false
end

-- Which documents the server has published diagnostics for (an empty list counts: "nothing to say").
local published = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result then
    published[result.uri] = true
  end
  return publish(err, result, ctx, config)
end

-- Editor settings, as a user gives them: `bloated-base-image` reports as an error (a warning by default).
local settings = { dockwarden = { rules = { ['bloated-base-image'] = 'error' } } }
if start == 'enable' then
  vim.lsp.config('dockwarden', { cmd = { server, 'lsp' }, settings = settings })
  vim.lsp.enable('dockwarden')
else
  require('dockwarden').setup({ cmd = { server, 'lsp' }, settings = settings })
end

--- The severity of the `code` finding of `bufnr` on 1-based `line`, if there is one.
local function severity_of(bufnr, code, line)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == code and d.lnum + 1 == line then
      return d.severity
    end
  end
end

local function open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(workspace .. '/' .. name))
  return vim.api.nvim_get_current_buf()
end

local function dockwarden_client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == 'dockwarden' then
      return client
    end
  end
end

-- 1. The core example: fat base image and no USER on line 1, a baked secret on line 3.
local dockerfile = open('Dockerfile')
wait_for('the Dockerfile findings (bloated-base-image and run-as-root on line 1, secret-in-env on line 3)', function()
  return has(dockerfile, 'bloated-base-image', 1) and has(dockerfile, 'run-as-root', 1)
    and has(dockerfile, 'secret-in-env', 3)
end, dockerfile)
say(string.format('TIME first-diagnostics-ms %d', now_ms() - t0))
say('ok: Dockerfile findings ' .. describe(dockerfile))
wait_for('bloated-base-image as an error, as the editor settings say', function()
  return severity_of(dockerfile, 'bloated-base-image', 1) == vim.diagnostic.severity.ERROR
end, dockerfile)
say('ok: editor settings followed')

--- Apply the code action of `bufnr` at 1-based `line`, 0-based `col` whose title satisfies `accept`.
--- The diagnostics sent back as context are the ones Neovim decoded (numbers as Lua doubles); the server
--- finds its fixes again by their range, rule and message, so an action missing here means that lookup broke.
local function apply_action(bufnr, line, col, accept, what)
  vim.api.nvim_win_set_buf(0, bufnr)
  vim.api.nvim_win_set_cursor(0, { line, col })
  if vim.fn.has('nvim-0.8') == 1 then
    vim.lsp.buf.code_action({ filter = accept, apply = true })
    return
  end
  -- 0.7: no filter/apply; ask with the line's diagnostics and apply the chosen edit ourselves.
  local client = dockwarden_client(bufnr)
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, line - 1) }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout) or {}
  local chosen
  for _, action in ipairs((responses[client.id] or {}).result or {}) do
    if accept(action) then
      chosen = action
    end
  end
  if chosen == nil then
    fail('no code action for ' .. what .. ' on line ' .. line)
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
end

-- 2. The "add a non-root USER" quick fix, chosen by title and applied.
apply_action(dockerfile, 1, 5, function(action)
  return action.title:find('USER 10001', 1, true) ~= nil
end, '"USER 10001"')
local function text_of(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end
wait_for('the USER fix in the buffer and run-as-root gone', function()
  local text = text_of(dockerfile)
  return text:find('USER 10001:10001', 1, true) ~= nil and text:find('useradd', 1, true) ~= nil
    and not has(dockerfile, 'run-as-root') and has(dockerfile, 'secret-in-env')
end, dockerfile)
say('ok: USER fix applied ' .. describe(dockerfile))

-- 3. Typing: a new secret typed at the end of the ENV line is reported for the new text.
local env_line
for i, line in ipairs(vim.api.nvim_buf_get_lines(dockerfile, 0, -1, false)) do
  if line:find('^ENV ') then
    env_line = i
  end
end
vim.api.nvim_win_set_cursor(0, { env_line, 0 })
local keys = vim.api.nvim_replace_termcodes('A API_TOKEN=q8Zr2LmPx7Wk<Esc>', true, false, true)
vim.api.nvim_feedkeys(keys, 'xt', false)
wait_for('a secret-in-env finding for the typed API_TOKEN', function()
  for _, d in ipairs(vim.diagnostic.get(dockerfile)) do
    if code_of(d) == 'secret-in-env' and d.lnum + 1 == env_line and d.message:find('API_TOKEN', 1, true) then
      return true
    end
  end
  return false
end, dockerfile)
say('ok: typed edit reported ' .. describe(dockerfile))

-- 4. :DockwardenFixAll applies the safe fixes: an `ADD` of a local file becomes `COPY`.
local count = vim.api.nvim_buf_line_count(dockerfile)
vim.api.nvim_buf_set_lines(dockerfile, count, count, false, { 'ADD app.py /app/' })
wait_for('add-instead-of-copy on the new line', function()
  return has(dockerfile, 'add-instead-of-copy', count + 1)
end, dockerfile)
vim.cmd('DockwardenFixAll')
wait_for(':DockwardenFixAll to turn ADD into COPY', function()
  return vim.api.nvim_buf_get_lines(dockerfile, count, count + 1, false)[1] == 'COPY app.py /app/'
    and not has(dockerfile, 'add-instead-of-copy')
end, dockerfile)
say('ok: :DockwardenFixAll ' .. describe(dockerfile))

-- 5. A Compose file and a Kubernetes manifest get their findings; other YAML gets none.
local compose = open('compose.yaml')
wait_for('Compose findings (privileged-container)', function()
  return has(compose, 'privileged-container')
end, compose)
say('ok: compose.yaml ' .. describe(compose))

local manifest = open('deployment.yaml')
wait_for('Kubernetes findings (run-as-root)', function()
  return has(manifest, 'run-as-root')
end, manifest)
say('ok: deployment.yaml ' .. describe(manifest))

local notes = open('notes.yaml')
local client = dockwarden_client(notes)
if client == nil then
  fail('no dockwarden client attached to notes.yaml')
end
if client.server_capabilities.diagnosticProvider then
  -- A client that pulls diagnostics (Neovim 0.10+) gets none pushed: ask for this file's report.
  local uri = vim.uri_from_bufnr(notes)
  local responses = vim.lsp.buf_request_sync(notes, 'textDocument/diagnostic', { textDocument = { uri = uri } }, timeout)
  local report = responses and responses[client.id] and responses[client.id].result
  if report == nil then
    fail('no diagnostic report for notes.yaml')
  elseif #(report.items or {}) ~= 0 then
    fail('notes.yaml is no manifest, yet the server reports ' .. vim.inspect(report.items))
  end
else
  wait_for('the server to publish for notes.yaml', function()
    return published[vim.uri_from_bufnr(notes)] == true
  end, notes)
end
if #vim.diagnostic.get(notes) ~= 0 then
  fail('notes.yaml is no manifest, yet has findings: ' .. describe(notes))
end
say('ok: notes.yaml has no findings')

-- 7. A secret in a Dockerfile that a Compose service builds moves to that service in one edit: the fix
-- names the Compose file's fingerprint, which must survive the trip through the client.
local injected = open('inject/Dockerfile')
wait_for('secret-in-env in inject/Dockerfile', function()
  return has(injected, 'secret-in-env', 2)
end, injected)
apply_action(injected, 2, 4, function(action)
  return action.title:find('service `api`', 1, true) ~= nil
end, 'the move of DB_PASSWORD to the Compose service')
local compose_path = workspace .. '/inject/compose.yaml'
wait_for('DB_PASSWORD out of inject/Dockerfile and into inject/compose.yaml', function()
  local compose_buf = vim.fn.bufnr(compose_path)
  return compose_buf ~= -1 and vim.fn.bufloaded(compose_buf) == 1
    and text_of(compose_buf):find('DB_PASSWORD: "${DB_PASSWORD}"', 1, true) ~= nil
    and text_of(injected):find('DB_PASSWORD', 1, true) == nil
end, injected)
say('ok: the secret moved to the Compose service ' .. describe(injected))

-- 6. Filetype detection (ftdetect/dockwarden.vim) for names Neovim 0.7 does not know.
for name, filetype in pairs({
  ['Containerfile'] = 'dockerfile',
  ['api.Dockerfile'] = 'dockerfile',
  ['compose.yaml'] = 'yaml.docker-compose',
  ['docker-compose.prod.yml'] = 'yaml.docker-compose',
}) do
  vim.cmd('edit ' .. vim.fn.fnameescape(workspace .. '/' .. name))
  if vim.bo.filetype ~= filetype then
    fail(string.format('%s has filetype "%s", expected "%s"', name, vim.bo.filetype, filetype))
  end
end
say('ok: filetypes detected')

say('PASS')
vim.cmd('qall!')
