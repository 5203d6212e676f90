# A body that is not JSON gets a Parse error (-32700) with id null; JSON that
# is not a JSON-RPC message gets InvalidRequest (-32600, with its id when it
# has one); a batch array is refused; a malformed notification is not
# answered; the server goes on answering.
=== file a.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {}}
! initialized {}
body '{"jsonrpc": "2.0", i'
wait messages 1
body '[{"jsonrpc": "2.0", "id": 5, "method": "shutdown"}]'
wait messages 1
body '{"id": 7, "method": "shutdown"}'
wait messages 1
body '{"jsonrpc": "2.0", "id": 8, "method": 12}'
wait messages 1
body '{"jsonrpc": "2.0", "id": {"x": 1}, "method": "shutdown"}'
wait messages 1
# A request's id is an integer or a string: null is not.
body '{"jsonrpc": "2.0", "id": null, "method": "textDocument/hover"}'
wait messages 1
body '""'
wait messages 1
# Invalid UTF-8 inside a string is not JSON either.
body '{"jsonrpc": "2.0", "id": 9, "method": "\udcff"}'
wait messages 1
# A key twice: which one counts is not JSON's to say, so neither runs.
body '{"jsonrpc": "2.0", "id": 10, "method": "x", "method": "shutdown"}'
wait messages 1
# A notification with params of the wrong type is logged, never answered:
# the hover below is the next message.
body '{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": 5}'
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"error":{"code":-32700,"message":"the message is not valid JSON"},"id":null}
{"error":{"code":-32600,"message":"batch messages are not supported"},"id":null}
{"error":{"code":-32600,"message":"`jsonrpc` must be \"2.0\""},"id":7}
{"error":{"code":-32600,"message":"`method` must be a string"},"id":8}
{"error":{"code":-32600,"message":"`id` must be an integer of at most 64 bits, or a string"},"id":null}
{"error":{"code":-32600,"message":"`id` must be an integer of at most 64 bits, or a string"},"id":null}
{"error":{"code":-32600,"message":"a message must be a JSON object"},"id":null}
{"error":{"code":-32700,"message":"the message is not valid JSON"},"id":null}
{"error":{"code":-32600,"message":"the message holds the key `method` twice in one object"},"id":10}
{"id":2,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":12,"line":0},"start":{"character":6,"line":0}}}}
{"id":3,"result":null}
exit code: 0
