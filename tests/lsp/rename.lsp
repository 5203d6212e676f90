# Rename with prepareRename: a source renamed across kpi.flow and
# sql/daily.sql; a user fn renamed in its file and at its call; refused with
# a message: a stdlib function, an attribute, a keyword as the new name, a
# name that is not an identifier, a name already declared in the scope, a
# param that is also an overwrite_partition column.
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
> textDocument/prepareRename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders|+2)}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders|+2), "newName": "raw_orders"}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|positive), "newName": "no_negative"}
> textDocument/prepareRename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|unique)}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|unique), "newName": "distinct"}
> textDocument/prepareRename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|writes)}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders|+2), "newName": "source"}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders|+2), "newName": "2orders"}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|orders|+2), "newName": "daily"}
# `ds` is also overwrite_partition(ds)'s column: refused, saying why.
> textDocument/prepareRename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|param ds|+6)}
# No name under the cursor: prepareRename answers null, rename an error.
> textDocument/prepareRename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|  owner|+1)}
> textDocument/rename {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|  owner|+1), "newName": "x"}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":{"prepareProvider":true},"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":1}}
{"id":2,"result":{"placeholder":"orders","range":{"end":{"character":15,"line":9},"start":{"character":9,"line":9}}}}
{"id":3,"result":{"changes":{"$ROOT/kpi.flow":[{"newText":"raw_orders","range":{"end":{"character":15,"line":9},"start":{"character":9,"line":9}}}],"$ROOT/sql/daily.sql":[{"newText":"raw_orders","range":{"end":{"character":13,"line":1},"start":{"character":7,"line":1}}}]}}}
{"id":4,"result":{"changes":{"$ROOT/helpers.flow":[{"newText":"no_negative","range":{"end":{"character":11,"line":1},"start":{"character":3,"line":1}}}],"$ROOT/kpi.flow":[{"newText":"no_negative","range":{"end":{"character":19,"line":18},"start":{"character":11,"line":18}}}]}}}
{"error":{"code":-32803,"message":"`unique` is defined in the standard library and cannot be renamed"},"id":5}
{"error":{"code":-32803,"message":"`unique` is defined in the standard library and cannot be renamed"},"id":6}
{"error":{"code":-32803,"message":"`writes` is an attribute name of the language and cannot be renamed"},"id":7}
{"error":{"code":-32803,"message":"`source` is a keyword"},"id":8}
{"error":{"code":-32803,"message":"`2orders` is not a valid name (letters, digits and `_`, not starting with a digit)"},"id":9}
{"error":{"code":-32803,"message":"`daily` is already declared in the same scope"},"id":10}
{"error":{"code":-32803,"message":"`ds` is also the partition column of task `daily` (`overwrite_partition(ds)`), a column of its output too: rename the param, the mode and the column its SQL selects together, by hand"},"id":11}
{"id":12,"result":null}
{"error":{"code":-32803,"message":"there is no name to rename here"},"id":13}
{"id":14,"result":null}
exit code: 0
