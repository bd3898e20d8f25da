-- dockwarden for Neovim 0.11+: with this folder on 'runtimepath', `vim.lsp.enable('dockwarden')` starts the
-- server for Dockerfiles, Compose files and YAML (the server decides which YAML it lints).
-- Override any field with `vim.lsp.config('dockwarden', { cmd = { '/path/to/dockwarden', 'lsp' } })`.

---@type vim.lsp.Config
return {
  cmd = { 'dockwarden', 'lsp' },
  filetypes = { 'dockerfile', 'yaml', 'yaml.docker-compose' },
  root_markers = { '.dockwarden.yaml', '.git' },
}
