# A body that is not JSON gets a Parse error (-32700) with id null; JSON that
# is not a JSON-RPC message gets InvalidRequest (-32600, with its id when it
# has one); a batch array is refused; the server goes on answering.
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
body '""'
wait messages 1
# Invalid UTF-8 inside a string is not JSON either.
body '{"jsonrpc": "2.0", "id": 9, "method": "\udcff"}'
wait messages 1
> textDocument/hover {"textDocument": {"uri": "$URI(a.flow)"}, "position": {"line": 0, "character": 7}}
> shutdown
! exit
