# $/cancelRequest for a request still queued answers it with
# RequestCancelled (-32800); cancelling an answered or unknown id does nothing.
=== file a.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {}}
! initialized {}
batch
> #10 textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
> #11 textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
! $/cancelRequest {"id": 11}
end
! $/cancelRequest {"id": 10}
! $/cancelRequest {"id": "never-sent"}
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"id":10,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"error":{"code":-32800,"message":"cancelled"},"id":11}
{"id":2,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"id":3,"result":null}
exit code: 0
