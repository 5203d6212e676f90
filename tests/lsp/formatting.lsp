# Formatting returns the edit `flowc fmt` would make (only the lines that
# change); a formatted file gets no edits; a file with a syntax error gets
# none either (nothing is formatted then).
=== file flow.project
project shop {
}
=== file messy.flow
route oncall {
owner="data-eng"
      notify = [stderr()]
}
=== file clean.flow
route pager {
  owner  = "data-eng"
  notify = [stderr()]
}
=== file broken.flow
route broken {
  owner = "data-eng
}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(messy.flow)", "languageId": "flow", "version": 1, "text": $TEXT(messy.flow)}}
! textDocument/didOpen {"textDocument": {"uri": "$URI(clean.flow)", "languageId": "flow", "version": 1, "text": $TEXT(clean.flow)}}
! textDocument/didOpen {"textDocument": {"uri": "$URI(broken.flow)", "languageId": "flow", "version": 1, "text": $TEXT(broken.flow)}}
wait diagnostics messy.flow
> textDocument/formatting {"textDocument": {"uri": "$URI(messy.flow)"}, "options": {"tabSize": 8, "insertSpaces": false}}
> textDocument/formatting {"textDocument": {"uri": "$URI(clean.flow)"}, "options": {"tabSize": 2, "insertSpaces": true}}
> textDocument/formatting {"textDocument": {"uri": "$URI(broken.flow)"}, "options": {"tabSize": 2, "insertSpaces": true}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0003","message":"unterminated string: expected `\"` before the end of the line","range":{"end":{"character":19,"line":1},"start":{"character":10,"line":1}},"severity":1,"source":"flowc"}],"uri":"$ROOT/broken.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/clean.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/messy.flow","version":1}}
{"id":2,"result":[{"newText":"  owner  = \"data-eng\"\n  notify = [stderr()]\n","range":{"end":{"character":0,"line":3},"start":{"character":0,"line":1}}}]}
{"id":3,"result":[]}
{"id":4,"result":[]}
{"id":5,"result":null}
exit code: 0
