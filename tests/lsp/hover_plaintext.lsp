# A client that reads hovers as plain text (no `contentFormat`) gets the
# Markdown without fences, rules or backticks, and one blank line where the
# dropped `---` rule before a doc comment left two.
=== file a.flow
## The on-call rota of the data team.
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(a.flow)", "languageId": "flow", "version": 1, "text": $TEXT(a.flow)}}
wait diagnostics a.flow
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": $POS(a.flow|oncall|+2)}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":1}}
{"id":2,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng\n\nThe on-call rota of the data team."},"range":{"end":{"character":12,"line":1},"start":{"character":6,"line":1}}}}
{"id":3,"result":null}
exit code: 0
