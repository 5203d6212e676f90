# A .sql file that tasks of two workflows read: `${orders}` in it names
# each workflow's own source. Renaming workflow a's `orders` would edit the
# shared file and break workflow b: refused, saying why, already at
# prepareRename (before a new name is typed). A name only one
# workflow reads there (b's `extra`, in its own file) still renames.
=== file flow.project
project shop {
}
=== file a.flow
workflow a {
  owner = "data-eng"

  source orders {
    table = "raw.orders_a"
  }

  task t {
    writes  = "t_a"
    mode    = replace
    sql     = file("sql/common.sql")
    publish = true
  }
}
=== file b.flow
workflow b {
  owner = "data-eng"

  source orders {
    table = "raw.orders_b"
  }

  source extra {
    table = "raw.extra"
  }

  task t {
    writes  = "t_b"
    mode    = replace
    sql     = file("sql/common.sql")
    publish = true
  }

  task u {
    writes  = "u_b"
    mode    = replace
    sql     = file("sql/own.sql")
    publish = true
  }
}
=== file sql/common.sql
select * from ${orders}
=== file sql/own.sql
select * from ${extra}
=== session
> initialize {"capabilities": {"textDocument": {"rename": {"prepareSupport": true}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(a.flow)", "languageId": "flow", "version": 1, "text": $TEXT(a.flow)}}
wait diagnostics a.flow
> textDocument/prepareRename {"textDocument": {"uri": "$URI(a.flow)"}, "position": $POS(a.flow|orders|+2)}
> textDocument/rename {"textDocument": {"uri": "$URI(a.flow)"}, "position": $POS(a.flow|orders|+2), "newName": "orders_a"}
! textDocument/didOpen {"textDocument": {"uri": "$URI(b.flow)", "languageId": "flow", "version": 1, "text": $TEXT(b.flow)}}
> textDocument/rename {"textDocument": {"uri": "$URI(b.flow)"}, "position": $POS(b.flow|extra|+2), "newName": "extras"}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":{"prepareProvider":true},"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":1}}
{"error":{"code":-32803,"message":"`orders` is written in sql/common.sql, which workflow `b` reads too (task `t`), where it names that workflow's own: rename by hand"},"id":2}
{"error":{"code":-32803,"message":"`orders` is written in sql/common.sql, which workflow `b` reads too (task `t`), where it names that workflow's own: rename by hand"},"id":3}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/b.flow","version":1}}
{"id":4,"result":{"changes":{"$ROOT/b.flow":[{"newText":"extras","range":{"end":{"character":14,"line":7},"start":{"character":9,"line":7}}}],"$ROOT/sql/own.sql":[{"newText":"extras","range":{"end":{"character":21,"line":0},"start":{"character":16,"line":0}}}]}}}
{"id":5,"result":null}
exit code: 0
