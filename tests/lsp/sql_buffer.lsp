# A `.sql` file open in the editor: the server keeps the editor's text (what
# `file("...")` reads and what a rename edits), so a rename lands where the
# name is in the buffer, not where it was on disk; closed, the disk's again.
# No request is answered on the `.sql` document itself.
=== file flow.project
project shop {
  default_target = warehouse
}
=== file targets.flow
target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "analytics"
}
=== file kpi.flow
workflow kpi {
  owner = "data-eng"

  source orders {
    table = "raw.orders"
  }

  task daily {
    writes  = "daily"
    sql     = file("sql/daily.sql")
    publish = true
  }
}
=== file sql/daily.sql
select *
from ${orders}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(kpi.flow)", "languageId": "flow", "version": 1, "text": $TEXT(kpi.flow)}}
wait diagnostics kpi.flow
! textDocument/didOpen {"textDocument": {"uri": "$URI(sql/daily.sql)", "languageId": "sql", "version": 1, "text": "-- two lines\n-- not saved\nselect *\nfrom ${orders}\n"}}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders|+2), "newName": "raw_orders"}
! textDocument/didChange {"textDocument": {"uri": "$URI(sql/daily.sql)", "version": 2}, "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}, "text": ""}]}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders|+2), "newName": "raw_orders"}
> textDocument/hover {"textDocument": {"uri": "$URI(sql/daily.sql)"}, "position": {"line": 1, "character": 8}}
! textDocument/didClose {"textDocument": {"uri": "$URI(sql/daily.sql)"}}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders|+2), "newName": "raw_orders"}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":1}}
{"id":2,"result":{"changes":{"$ROOT/kpi.flow":[{"newText":"raw_orders","range":{"end":{"character":15,"line":3},"start":{"character":9,"line":3}}}],"$ROOT/sql/daily.sql":[{"newText":"raw_orders","range":{"end":{"character":13,"line":3},"start":{"character":7,"line":3}}}]}}}
{"id":3,"result":{"changes":{"$ROOT/kpi.flow":[{"newText":"raw_orders","range":{"end":{"character":15,"line":3},"start":{"character":9,"line":3}}}],"$ROOT/sql/daily.sql":[{"newText":"raw_orders","range":{"end":{"character":13,"line":2},"start":{"character":7,"line":2}}}]}}}
{"id":4,"result":null}
{"id":5,"result":{"changes":{"$ROOT/kpi.flow":[{"newText":"raw_orders","range":{"end":{"character":15,"line":3},"start":{"character":9,"line":3}}}],"$ROOT/sql/daily.sql":[{"newText":"raw_orders","range":{"end":{"character":13,"line":1},"start":{"character":7,"line":1}}}]}}}
{"id":6,"result":null}
exit code: 0
