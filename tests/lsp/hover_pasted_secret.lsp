# A credential pasted in place of an environment variable's name is shown
# withheld, in the hover of the target and of the `env(...)` string and in
# the diagnostic's message, as everywhere else.
=== file flow.project
project shop {
}
=== file targets.flow
target wh {
  dsn = env("postgresql://u:S3CRETpw34@h/db")
}
=== session
> initialize {"capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(targets.flow)", "languageId": "flow", "version": 1, "text": $TEXT(targets.flow)}}
wait diagnostics targets.flow
> textDocument/hover {"textDocument": {"uri": "$URI(targets.flow)"}, "position": $POS(targets.flow|wh)}
> textDocument/hover {"textDocument": {"uri": "$URI(targets.flow)"}, "position": $POS(targets.flow|postgresql)}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0202","message":"`postgresql://u:***@h/db` is not an environment variable name","range":{"end":{"character":44,"line":1},"start":{"character":12,"line":1}},"severity":1,"source":"flowc"}],"uri":"$ROOT/targets.flow","version":1}}
{"id":2,"result":{"contents":{"kind":"markdown","value":"```flow\ntarget wh\n```\n\nschema `public` · dsn: secret from environment variable `postgresql://u:***@h/db` (value never shown)"},"range":{"end":{"character":9,"line":0},"start":{"character":7,"line":0}}}}
{"id":3,"result":{"contents":{"kind":"markdown","value":"```flow\nsecret postgresql://u:***@h/db\n```\n\nthe value of environment variable `postgresql://u:***@h/db`, read at run time; flowc never shows, logs or stores it"},"range":{"end":{"character":44,"line":1},"start":{"character":12,"line":1}}}}
{"id":4,"result":null}
exit code: 0
