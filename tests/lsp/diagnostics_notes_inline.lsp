# A client without relatedInformation gets a located note in the message,
# with where it points (as `flowc check` prints it), not the note alone.
=== file flow.project
project shop {
}
=== file routes.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(routes.flow)", "languageId": "flow", "version": 1, "text": $TEXT(routes.flow)}}
wait diagnostics routes.flow
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0102","message":"the name `oncall` is already defined\nnote: first defined here as a route ($ROOT/routes.flow:1:7)","range":{"end":{"character":12,"line":5},"start":{"character":6,"line":5}},"severity":1,"source":"flowc"}],"uri":"$ROOT/routes.flow","version":1}}
{"id":2,"result":null}
exit code: 0
