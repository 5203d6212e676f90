# publishDiagnostics: the same codes and messages as `flowc check` (help lines
# appended, notes as relatedInformation), for the open document and for the
# rest of its project; an edit that fixes a file clears its diagnostics; an
# error in another file of the project appears when an edit causes it.
=== file flow.project
project shop {
  default_target = warehouse
}
=== file targets.flow
target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "analytics"
}
=== file routes.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== file kpi.flow
workflow kpi {
  owner      = "data-eng"
  on_failure = alert(oncal, severity = high)

  source orders {
    table = "raw.orders"
    ready = row_count() > 0
  }

  task revenue_daily {
    writes  = "revenue_daily"
    mode    = replace
    sql     = "select 1 as x from ${orders}"
    publish = true
    timeout = "20m"
  }

  task revenue_daily {
    writes  = "other"
    mode    = replace
    sql     = "select 2"
    publish = true
  }
}
=== file other.flow
workflow other {
  owner      = "data-eng"
  on_failure = alert(oncall)

  task copy {
    writes  = "copy"
    mode    = replace
    sql     = "select 3"
    publish = true
  }
}
=== session
> initialize {"capabilities": {"textDocument": {"publishDiagnostics": {"relatedInformation": true}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(kpi.flow)", "languageId": "flow", "version": 1, "text": $TEXT(kpi.flow)}}
wait diagnostics kpi.flow
# Fix the route name and the timeout; rename the duplicate task.
! textDocument/didChange {"textDocument": {"uri": "$URI(kpi.flow)", "version": 2}, "contentChanges": [
    {"range": $RANGE(kpi.flow|oncal,), "text": "oncall,"},
    {"range": $RANGE(kpi.flow|"20m"), "text": "20m"}]}
wait diagnostics kpi.flow
! textDocument/didChange {"textDocument": {"uri": "$URI(kpi.flow)", "version": 3}, "contentChanges": [
    {"range": {"start": {"line": 17, "character": 7}, "end": {"line": 17, "character": 20}}, "text": "summary"}]}
wait diagnostics kpi.flow
# Now make this file write the table other.flow writes: other.flow gets E0302 too.
! textDocument/didChange {"textDocument": {"uri": "$URI(kpi.flow)", "version": 4}, "contentChanges": [
    {"range": $RANGE(kpi.flow|"other"), "text": "\"copy\""}]}
wait diagnostics other.flow
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0101","message":"unknown route `oncal`\nhelp: did you mean `oncall`?","range":{"end":{"character":26,"line":2},"start":{"character":21,"line":2}},"severity":1,"source":"flowc"},{"code":"E0201","message":"`timeout` expects `duration`, found `string`\nhelp: write `20m`","range":{"end":{"character":19,"line":14},"start":{"character":14,"line":14}},"severity":1,"source":"flowc"},{"code":"E0102","message":"the name `revenue_daily` is already defined in workflow `kpi`","range":{"end":{"character":20,"line":17},"start":{"character":7,"line":17}},"relatedInformation":[{"location":{"range":{"end":{"character":20,"line":9},"start":{"character":7,"line":9}},"uri":"$ROOT/kpi.flow"},"message":"first defined here as a task"}],"severity":1,"source":"flowc"}],"uri":"$ROOT/kpi.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0102","message":"the name `revenue_daily` is already defined in workflow `kpi`","range":{"end":{"character":20,"line":17},"start":{"character":7,"line":17}},"relatedInformation":[{"location":{"range":{"end":{"character":20,"line":9},"start":{"character":7,"line":9}},"uri":"$ROOT/kpi.flow"},"message":"first defined here as a task"}],"severity":1,"source":"flowc"}],"uri":"$ROOT/kpi.flow","version":2}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":3}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":4}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0302","message":"`copy` is already written by task `kpi.summary`\nhelp: a table has one writer: read `${kpi.summary}` instead, or write another table","range":{"end":{"character":20,"line":5},"start":{"character":14,"line":5}},"relatedInformation":[{"location":{"range":{"end":{"character":20,"line":18},"start":{"character":14,"line":18}},"uri":"$ROOT/kpi.flow"},"message":"`kpi.summary` writes it here"}],"severity":1,"source":"flowc"}],"uri":"$ROOT/other.flow"}}
{"id":2,"result":null}
exit code: 0
