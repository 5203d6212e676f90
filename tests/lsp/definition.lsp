# Go to definition from kpi.flow: a target, a legacy job, a route, a param,
# a source and a task (inside ${} and in after = [...]), a user fn in
# another file, stdlib functions (into stdlib/std). An attribute name or a
# keyword has none, and a .sql document is not handled (empty result; its
# ${} uses are found by references and rename from the .flow side).
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
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|warehouse)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|kpi_cron)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|oncall)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|partition_exists(ds|+17)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|${daily}|+2)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|[daily]|+1)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|positive)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|partition_exists)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|alert)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|writes)}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|task)}
! textDocument/didOpen {"textDocument": {"uri": "$URI(sql/daily.sql)", "languageId": "sql", "version": 1, "text": $TEXT(sql/daily.sql)}}
> textDocument/definition {"textDocument": {"uri": "$URI(sql/daily.sql)"}, "position": $POS(sql/daily.sql|orders)}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":{"prepareProvider":true},"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":1}}
{"id":2,"result":[{"range":{"end":{"character":16,"line":1},"start":{"character":7,"line":1}},"uri":"$ROOT/targets.flow"}]}
{"id":3,"result":[{"range":{"end":{"character":15,"line":0},"start":{"character":7,"line":0}},"uri":"$ROOT/legacy.flow"}]}
{"id":4,"result":[{"range":{"end":{"character":12,"line":1},"start":{"character":6,"line":1}},"uri":"$ROOT/routes.flow"}]}
{"id":5,"result":[{"range":{"end":{"character":10,"line":7},"start":{"character":8,"line":7}},"uri":"$ROOT/kpi.flow"}]}
{"id":6,"result":[{"range":{"end":{"character":12,"line":14},"start":{"character":7,"line":14}},"uri":"$ROOT/kpi.flow"}]}
{"id":7,"result":[{"range":{"end":{"character":12,"line":14},"start":{"character":7,"line":14}},"uri":"$ROOT/kpi.flow"}]}
{"id":8,"result":[{"range":{"end":{"character":11,"line":1},"start":{"character":3,"line":1}},"uri":"$ROOT/helpers.flow"}]}
{"id":9,"result":[{"text":"partition_exists","uri":"$STDLIB/predicates.flow"}]}
{"id":10,"result":[{"text":"alert","uri":"$STDLIB/config.flow"}]}
{"id":11,"result":[]}
{"id":12,"result":[]}
{"id":13,"result":[]}
{"id":14,"result":null}
exit code: 0
