# A `.sql` file read by another workflow names a task qualified,
# `${a.t}`: the same task for every reader, so renaming the task, or its
# workflow, edits the file too (only an unqualified name in a file that
# several workflows read is refused: rename_shared_sql.lsp).
=== file flow.project
project shop {
}
=== file a.flow
workflow a {
  owner = "data-eng"

  task t {
    writes  = "t_a"
    mode    = replace
    sql     = "select 1 as x"
    publish = true
  }
}
=== file b.flow
workflow b {
  owner = "data-eng"

  task u {
    after   = [a.t]
    writes  = "u_b"
    mode    = replace
    sql     = file("sql/u.sql")
    publish = true
  }
}
=== file sql/u.sql
select * from ${a.t}
=== session
> initialize {"capabilities": {"textDocument": {"rename": {"prepareSupport": true}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(a.flow)", "languageId": "flow", "version": 1, "text": $TEXT(a.flow)}}
wait diagnostics a.flow
> textDocument/rename {"textDocument": {"uri": "$URI(a.flow)"}, "position": $POS(a.flow|task t|+5), "newName": "t2"}
> textDocument/rename {"textDocument": {"uri": "$URI(a.flow)"}, "position": $POS(a.flow|workflow a|+9), "newName": "a2"}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":{"prepareProvider":true},"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/a.flow","version":1}}
{"id":2,"result":{"changes":{"$ROOT/a.flow":[{"newText":"t2","range":{"end":{"character":8,"line":3},"start":{"character":7,"line":3}}}],"$ROOT/b.flow":[{"newText":"t2","range":{"end":{"character":18,"line":4},"start":{"character":17,"line":4}}}],"$ROOT/sql/u.sql":[{"newText":"t2","range":{"end":{"character":19,"line":0},"start":{"character":18,"line":0}}}]}}}
{"id":3,"result":{"changes":{"$ROOT/a.flow":[{"newText":"a2","range":{"end":{"character":10,"line":0},"start":{"character":9,"line":0}}}],"$ROOT/b.flow":[{"newText":"a2","range":{"end":{"character":16,"line":4},"start":{"character":15,"line":4}}}],"$ROOT/sql/u.sql":[{"newText":"a2","range":{"end":{"character":17,"line":0},"start":{"character":16,"line":0}}}]}}}
{"id":4,"result":null}
exit code: 0
