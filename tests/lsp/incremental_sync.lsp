# Incremental sync (change = 2): several range edits in one notification are
# applied in order, each against the text the previous one produced; a
# change without a range replaces the whole text; edits of non-ASCII text
# count UTF-16 units (the emoji is two).
=== file flow.project
project shop {
}
=== file a.flow
# é😀 routes
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(a.flow)", "languageId": "flow", "version": 1, "text": $TEXT(a.flow)}}
wait diagnostics a.flow
# Replace the emoji (UTF-16 columns 3-5) by "!", then rename the route in two
# steps (insert then delete) in the same notification.
! textDocument/didChange {"textDocument": {"uri": "$URI(a.flow)", "version": 2}, "contentChanges": [
    {"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 5}}, "text": "!"},
    {"range": {"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": 6}}, "text": "team_"},
    {"range": {"start": {"line": 1, "character": 11}, "end": {"line": 1, "character": 13}}, "text": ""}]}
wait diagnostics a.flow
> textDocument/documentSymbol {"textDocument": {"uri": "$URI(a.flow)"}}
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 1, "character": 8}}
# An error, then the whole text replaced by a clean one.
! textDocument/didChange {"textDocument": {"uri": "$URI(a.flow)", "version": 3}, "contentChanges": [
    {"range": {"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 21}}, "text": "42"}]}
wait diagnostics a.flow
! textDocument/didChange {"textDocument": {"uri": "$URI(a.flow)", "version": 4}, "contentChanges": [
    {"text": "route solo {\n  owner  = \"x\"\n  notify = [stderr()]\n}\n"}]}
wait diagnostics a.flow
> textDocument/documentSymbol {"textDocument": {"uri": "$URI(a.flow)"}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":2}}
{"id":2,"result":[{"kind":24,"location":{"range":{"end":{"character":1,"line":4},"start":{"character":0,"line":1}},"uri":"$ROOT/a.flow"},"name":"team_call"}]}
{"id":3,"result":{"contents":{"kind":"plaintext","value":"route team_call\n\nowner data-eng"},"range":{"end":{"character":15,"line":1},"start":{"character":6,"line":1}}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0201","message":"`owner` expects `string`, found `int`","range":{"end":{"character":13,"line":2},"start":{"character":11,"line":2}},"severity":1,"source":"flowc"}],"uri":"$ROOT/a.flow","version":3}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":4}}
{"id":4,"result":[{"kind":24,"location":{"range":{"end":{"character":1,"line":3},"start":{"character":0,"line":0}},"uri":"$ROOT/a.flow"},"name":"solo"}]}
{"id":5,"result":null}
exit code: 0
