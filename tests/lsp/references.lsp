# Find references: every use of a task (in ${} and in after = [...]),
# with or without its declaration; the uses of a source include the one in
# sql/daily.sql; a stdlib function's uses are found too, also when asked
# from the standard library's own file.
=== file flow.project
project shop {
  default_target = warehouse
}
=== file targets.flow
## The analytics warehouse.
target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "analytics"
}
=== file routes.flow
## Analytics on-call.
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== file legacy.flow
legacy kpi_cron {
  schedule  = cron("0 7 * * *")
  command   = "psql -f refresh.sql"
  owner     = "data-eng"
  writes    = ["analytics.daily"]
  consumers = ["dashboard"]
  rollback  = "re-enable the crontab line"
  enabled   = true
}
=== file helpers.flow
## Revenue must be positive.
fn positive(col: column) -> expectation = sql("select count(*) from ${self} where revenue < 0") == 0
=== file kpi.flow
workflow kpi {
  owner      = "data-eng"
  target     = warehouse
  schedule   = cron("0 7 * * *")
  replaces   = kpi_cron
  on_failure = alert(oncall, severity = high)

  param ds: date = logical_date

  source orders {
    table = "raw.orders"
    ready = partition_exists(ds)
  }

  task daily {
    writes  = "daily"
    mode    = overwrite_partition(ds)
    sql     = file("sql/daily.sql")
    expect positive(revenue)
  }

  task publish {
    writes  = "dash.kpi"
    mode    = replace
    sql     = "select * from ${daily} where ds = ${ds}"
    after   = [daily]
    publish = true
    expect unique(ds)
  }
}
=== file sql/daily.sql
select ds, sum(amount) as revenue
from ${orders}
where ds = ${ds}
group by ds
=== session
> initialize {"capabilities": {"textDocument": {"rename": {"prepareSupport": true}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(kpi.flow)", "languageId": "flow", "version": 1, "text": $TEXT(kpi.flow)}}
wait diagnostics kpi.flow
> textDocument/references {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|task daily|+6), "context": {"includeDeclaration": true}}
> textDocument/references {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|task daily|+6), "context": {"includeDeclaration": false}}
> textDocument/references {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders), "context": {"includeDeclaration": true}}
> textDocument/references {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|cron), "context": {"includeDeclaration": false}}
! textDocument/didOpen {"textDocument": {"uri": "$URI(std:predicates.flow)", "languageId": "flow", "version": 1, "text": $TEXT(std:predicates.flow)}}
> textDocument/references {"textDocument": {"uri": "$URI(std:predicates.flow)"}, "position": $POS(std:predicates.flow|fn unique|+3), "context": {"includeDeclaration": true}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":{"prepareProvider":true},"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":1}}
{"id":2,"result":[{"range":{"end":{"character":12,"line":14},"start":{"character":7,"line":14}},"uri":"$ROOT/kpi.flow"},{"range":{"end":{"character":36,"line":24},"start":{"character":31,"line":24}},"uri":"$ROOT/kpi.flow"},{"range":{"end":{"character":20,"line":25},"start":{"character":15,"line":25}},"uri":"$ROOT/kpi.flow"}]}
{"id":3,"result":[{"range":{"end":{"character":36,"line":24},"start":{"character":31,"line":24}},"uri":"$ROOT/kpi.flow"},{"range":{"end":{"character":20,"line":25},"start":{"character":15,"line":25}},"uri":"$ROOT/kpi.flow"}]}
{"id":4,"result":[{"range":{"end":{"character":15,"line":9},"start":{"character":9,"line":9}},"uri":"$ROOT/kpi.flow"},{"range":{"end":{"character":13,"line":1},"start":{"character":7,"line":1}},"uri":"$ROOT/sql/daily.sql"}]}
{"id":5,"result":[{"range":{"end":{"character":19,"line":3},"start":{"character":15,"line":3}},"uri":"$ROOT/kpi.flow"},{"range":{"end":{"character":18,"line":1},"start":{"character":14,"line":1}},"uri":"$ROOT/legacy.flow"}]}
{"id":6,"result":[{"range":{"end":{"character":17,"line":27},"start":{"character":11,"line":27}},"uri":"$ROOT/kpi.flow"},{"text":"unique","uri":"$STDLIB/predicates.flow"}]}
{"id":7,"result":null}
exit code: 0
