" Container files Neovim does not recognise by itself in every version.
autocmd BufNewFile,BufRead Containerfile,Containerfile.*,*.Dockerfile,*.dockerfile setfiletype dockerfile
autocmd BufNewFile,BufRead compose.yaml,compose.yml,compose.*.yaml,compose.*.yml,*.compose.yaml,*.compose.yml
      \ set filetype=yaml.docker-compose
autocmd BufNewFile,BufRead docker-compose*.yaml,docker-compose*.yml set filetype=yaml.docker-compose
