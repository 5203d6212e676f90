# workspace/didChangeWatchedFiles for a `.sql` file a `file("...")` names:
# missing at first (E0101, as `flowc check` says), then created on disk
# (the project is checked again and the error goes), then deleted (E0101
# again, as `flowc check` says, not an empty `sql`).
=== file flow.project
project shop {
}
=== file kpi.flow
workflow kpi {
  owner = "data-eng"

  task daily {
    writes  = "daily"
    mode    = replace
    sql     = file("q.sql")
    publish = true
  }
}
=== session
> initialize {"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}
! initialized {}
wait messages 1
! textDocument/didOpen {"textDocument": {"uri": "$URI(kpi.flow)", "languageId": "flow", "version": 1, "text": $TEXT(kpi.flow)}}
wait diagnostics kpi.flow
write q.sql 'select 1 as n\n'
! workspace/didChangeWatchedFiles {"changes": [{"uri": "$URI(q.sql)", "type": 1}]}
wait diagnostics kpi.flow
write q.sql None
! workspace/didChangeWatchedFiles {"changes": [{"uri": "$URI(q.sql)", "type": 3}]}
wait diagnostics kpi.flow
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"id":"flowc-1","method":"client/registerCapability","params":{"registrations":[{"id":"flowc-watched-files","method":"workspace/didChangeWatchedFiles","registerOptions":{"watchers":[{"globPattern":"**/*.flow"},{"globPattern":"**/flow.project"},{"globPattern":"**/*.sql"}]}}]}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0101","message":"cannot read `q.sql`: No such file or directory\nhelp: the path is relative to the directory of `kpi.flow`","range":{"end":{"character":26,"line":6},"start":{"character":19,"line":6}},"severity":1,"source":"flowc"}],"uri":"$ROOT/kpi.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0101","message":"cannot read `q.sql`: No such file or directory\nhelp: the path is relative to the directory of `kpi.flow`","range":{"end":{"character":26,"line":6},"start":{"character":19,"line":6}},"severity":1,"source":"flowc"}],"uri":"$ROOT/kpi.flow","version":1}}
{"id":2,"result":null}
exit code: 0
