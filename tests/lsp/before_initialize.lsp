# Requests before initialize get ServerNotInitialized (-32002); notifications
# are dropped (the didOpen below publishes nothing); then initialize works,
# and a second initialize is an InvalidRequest (-32600).
=== file a.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
! textDocument/didOpen {"textDocument": {"uri": "$URI(a.flow)", "languageId": "flow", "version": 1, "text": $TEXT(a.flow)}}
> shutdown
> initialize {"capabilities": {}}
> initialize {"capabilities": {}}
! initialized {}
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
> shutdown
! exit
=== expect
{"error":{"code":-32002,"message":"the server is not initialized"},"id":1}
{"error":{"code":-32002,"message":"the server is not initialized"},"id":2}
{"id":3,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"error":{"code":-32600,"message":"initialize may only be sent once"},"id":4}
{"id":5,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"id":6,"result":null}
exit code: 0
