# workspace/didChangeWatchedFiles: a closed .flow file changed on disk is
# re-read and the project re-checked (a name it declares becomes known); a
# file created on disk joins the project; a deleted one leaves it (its
# diagnostics are cleared); an open document keeps the editor's text. When
# the client supports dynamic registration the server asks to watch
# **/*.flow, **/flow.project and **/*.sql.
=== file flow.project
project shop {
}
=== file kpi.flow
workflow kpi {
  owner      = "data-eng"
  on_failure = alert(oncall)

  task daily {
    writes  = "daily"
    mode    = replace
    sql     = "select 1"
    publish = true
  }
}
=== file routes.flow
route pager {
  owner  = "data-eng"
  notify = [stderr()]
}
=== session
> initialize {"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}
! initialized {}
wait messages 1
! textDocument/didOpen {"textDocument": {"uri": "$URI(kpi.flow)", "languageId": "flow", "version": 1, "text": $TEXT(kpi.flow)}}
wait diagnostics kpi.flow
# routes.flow (closed) now declares `oncall`: the error in kpi.flow goes away.
write routes.flow 'route oncall {\n  owner  = "data-eng"\n  notify = [stderr()]\n}\n'
! workspace/didChangeWatchedFiles {"changes": [{"uri": "$URI(routes.flow)", "type": 2}]}
wait diagnostics kpi.flow
# A new file with an error joins the project.
write extra.flow 'route extra {\n  owner = 12\n  notify = [stderr()]\n}\n'
! workspace/didChangeWatchedFiles {"changes": [{"uri": "$URI(extra.flow)", "type": 1}]}
wait diagnostics extra.flow
# Deleted: its diagnostics are cleared.
write extra.flow None
! workspace/didChangeWatchedFiles {"changes": [{"uri": "$URI(extra.flow)", "type": 3}]}
wait diagnostics extra.flow
# The open document's text wins over the disk.
write kpi.flow 'this is not flow\n'
! workspace/didChangeWatchedFiles {"changes": [{"uri": "$URI(kpi.flow)", "type": 2}]}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": {"line": 2, "character": 22}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"id":"flowc-1","method":"client/registerCapability","params":{"registrations":[{"id":"flowc-watched-files","method":"workspace/didChangeWatchedFiles","registerOptions":{"watchers":[{"globPattern":"**/*.flow"},{"globPattern":"**/flow.project"},{"globPattern":"**/*.sql"}]}}]}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0101","message":"unknown route `oncall`","range":{"end":{"character":27,"line":2},"start":{"character":21,"line":2}},"severity":1,"source":"flowc"}],"uri":"$ROOT/kpi.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0201","message":"`owner` expects `string`, found `int`","range":{"end":{"character":12,"line":1},"start":{"character":10,"line":1}},"severity":1,"source":"flowc"}],"uri":"$ROOT/extra.flow"}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/extra.flow"}}
{"id":2,"result":{"contents":{"kind":"plaintext","value":"route oncall\n\nowner data-eng"},"range":{"end":{"character":27,"line":2},"start":{"character":21,"line":2}}}}
{"id":3,"result":null}
exit code: 0
