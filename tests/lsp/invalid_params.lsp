# Params of the wrong shape get InvalidParams (-32602) and the session goes
# on: a missing position, a position that is not a number, a negative line,
# params that are not an object, a rename without newName.
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
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}}
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": "one", "character": 0}}
> textDocument/definition {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": -1, "character": 0}}
> textDocument/references [1, 2]
> textDocument/rename {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
! textDocument/didChange {"textDocument": {"uri": "$URI(a.flow)"}}
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":1}}
{"error":{"code":-32602,"message":"invalid params: missing field `position`"},"id":2}
{"error":{"code":-32602,"message":"invalid params: `line` must be a number"},"id":3}
{"error":{"code":-32602,"message":"invalid params: `line` must not be negative"},"id":4}
{"error":{"code":-32602,"message":"invalid params: expected an object holding `textDocument`"},"id":5}
{"error":{"code":-32602,"message":"invalid params: missing field `newName`"},"id":6}
{"id":7,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"id":8,"result":null}
exit code: 0
