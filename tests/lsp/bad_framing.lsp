# Broken framing never hangs or kills the server: a header block without
# Content-Length, a non-numeric or absurd one, garbage between messages, and
# a Content-Length larger than the body each cost one Parse error (-32700, id
# null); the next well-framed message is read and answered.
=== file a.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {}}
! initialized {}
raw 'Content-Type: application/json\r\n\r\n{"jsonrpc":"2.0","id":50,"method":"shutdown"}'
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
raw 'Content-Length: twelve\r\n\r\n{"jsonrpc":"2.0","id":51,"method":"shutdown"}'
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
raw 'Content-Length: 99999999999\r\n\r\n{}'
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
raw 'this is not a header\r\n'
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
# The declared length runs past the body into the next message's header.
batch
raw 'Content-Length: 500\r\n\r\n{"jsonrpc":"2.0","id":52,"method":"shutdown"}'
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
end
# Lower-case header names and extra headers are fine.
raw 'content-length: 69\r\ncontent-type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"jsonrpc":"2.0","id":60,"method":"textDocument/documentSymbol","params":{}}'
wait messages 1
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"error":{"code":-32700,"message":"missing Content-Length header"},"id":null}
{"id":2,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"error":{"code":-32700,"message":"invalid Content-Length `twelve`"},"id":null}
{"id":3,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"error":{"code":-32700,"message":"Content-Length 99999999999 is larger than the limit"},"id":null}
{"id":4,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"error":{"code":-32700,"message":"skipped 22 bytes that are not a message header"},"id":null}
{"id":5,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"error":{"code":-32700,"message":"message body shorter than its Content-Length (500)"},"id":null}
{"id":6,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"error":{"code":-32700,"message":"the message is not valid JSON"},"id":null}
{"error":{"code":-32700,"message":"skipped 7 bytes that are not a message header"},"id":null}
{"id":7,"result":null}
exit code: 0
