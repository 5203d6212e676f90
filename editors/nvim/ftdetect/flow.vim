" The `flow` filetype: flowc workflow files and the project file.
autocmd BufRead,BufNewFile *.flow,flow.project setfiletype flow
