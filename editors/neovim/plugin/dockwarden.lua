-- :DockwardenFixAll applies the server's safe fixes to the current buffer, however the server was started
-- (`vim.lsp.enable('dockwarden')` or `require('dockwarden').setup()`).
vim.api.nvim_create_user_command('DockwardenFixAll', function()
  require('dockwarden').fix_all()
end, { desc = 'dockwarden: apply all safe fixes to the buffer' })
