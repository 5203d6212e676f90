# Positions past the end of a line or of the file clamp instead of failing:
# hover/definition past a line's end find nothing (or the name ending there);
# an edit whose range runs past the end of the file appends; a huge line
# number is fine.
=== file flow.project
project shop {
}
=== file a.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(a.flow)", "languageId": "flow", "version": 1, "text": $TEXT(a.flow)}}
wait diagnostics a.flow
# Line 0 is `route oncall {`: character 500 clamps to the end of the line.
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 500}}
> textDocument/definition {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 4000000000, "character": 4000000000}}
# Append past the end of the file: a second route appears.
! textDocument/didChange {"textDocument": {"uri": "$URI(a.flow)", "version": 2}, "contentChanges": [
    {"range": {"start": {"line": 90, "character": 0}, "end": {"line": 99, "character": 9}}, "text": "route pager {\n  owner  = \"x\"\n  notify = [stderr()]\n}\n"}]}
wait diagnostics a.flow
> textDocument/documentSymbol {"textDocument": {"uri": "$URI(a.flow)"}}
# A range given backwards (end before start) is applied as if ordered.
! textDocument/didChange {"textDocument": {"uri": "$URI(a.flow)", "version": 3}, "contentChanges": [
    {"range": {"start": {"line": 0, "character": 12}, "end": {"line": 0, "character": 6}}, "text": "alerts"}]}
wait diagnostics a.flow
> textDocument/documentSymbol {"textDocument": {"uri": "$URI(a.flow)"}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":1}}
{"id":2,"result":null}
{"id":3,"result":[]}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":2}}
{"id":4,"result":[{"kind":24,"location":{"range":{"end":{"character":1,"line":3},"start":{"character":0,"line":0}},"uri":"$ROOT/a.flow"},"name":"oncall"},{"kind":24,"location":{"range":{"end":{"character":1,"line":7},"start":{"character":0,"line":4}},"uri":"$ROOT/a.flow"},"name":"pager"}]}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":3}}
{"id":5,"result":[{"kind":24,"location":{"range":{"end":{"character":1,"line":3},"start":{"character":0,"line":0}},"uri":"$ROOT/a.flow"},"name":"alerts"},{"kind":24,"location":{"range":{"end":{"character":1,"line":7},"start":{"character":0,"line":4}},"uri":"$ROOT/a.flow"},"name":"pager"}]}
{"id":6,"result":null}
exit code: 0
