# An unknown request gets MethodNotFound (-32601); unknown notifications
# (and `$/` ones) are ignored without a reply.
=== file a.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {}}
! initialized {}
> textDocument/semanticTokens/full {"textDocument": {"uri": "$URI(a.flow)"}}
! workspace/somethingNew {"x": 1}
! $/progress {"token": 1, "value": {}}
> $/unknownRequest {}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"error":{"code":-32601,"message":"unknown method `textDocument/semanticTokens/full`"},"id":2}
{"error":{"code":-32601,"message":"unknown method `$/unknownRequest`"},"id":3}
{"id":4,"result":null}
exit code: 0
