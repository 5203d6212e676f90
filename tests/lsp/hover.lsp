# Hover: a task shows its kind, physical table (mirror stage too), write mode
# and doc comment; a stdlib function its signature and doc; a target the name
# of its DSN secret (never a value); env("X") says only that X is a secret.
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
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}
=== file kpi.flow
## Daily KPIs.
workflow kpi {
  owner      = "data-eng"
  target     = warehouse
  on_failure = alert(oncall, severity = high)
  stage      = mirror

  param ds: date = logical_date

  source orders {
    table = "raw.orders"
    ready = row_count() > 0
  }

  ## Revenue per day.
  task revenue_daily {
    writes  = "revenue_daily"
    mode    = overwrite_partition(ds)
    sql     = """
      select ds, sum(amount) as revenue from ${orders} where ds = ${ds} group by ds
    """
    publish = true
    expect unique(ds)
  }
}
=== session
> initialize {"capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(kpi.flow)", "languageId": "flow", "version": 1, "text": $TEXT(kpi.flow)}}
wait diagnostics kpi.flow
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|revenue_daily|+3)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|${orders}|+3)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|unique)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|warehouse)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|${ds}|+2)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|high)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|writes)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|  owner|+3)}
! textDocument/didOpen {"textDocument": {"uri": "$URI(targets.flow)", "languageId": "flow", "version": 1, "text": $TEXT(targets.flow)}}
wait diagnostics targets.flow
> textDocument/hover {"textDocument": {"uri": "$URI(targets.flow)"}, "position": $POS(targets.flow|WAREHOUSE_DSN)}
> textDocument/hover {"textDocument": {"uri": "$URI(targets.flow)"}, "position": $POS(targets.flow|env)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|kpi {)}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|oncall)}
# Nothing to say on a comment.
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": $POS(kpi.flow|## Daily)}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":1}}
{"id":2,"result":{"contents":{"kind":"markdown","value":"```flow\ntask kpi.revenue_daily\n```\n\nwrites table `analytics.revenue_daily` on target `warehouse`\n\nmirror stage: written to `analytics__mirror.revenue_daily`\n\nmode `overwrite_partition(ds)` · published\n\n---\n\nRevenue per day."},"range":{"end":{"character":20,"line":15},"start":{"character":7,"line":15}}}}
{"id":3,"result":{"contents":{"kind":"markdown","value":"```flow\nsource kpi.orders\n```\n\nreads table `raw.orders` on target `warehouse`"},"range":{"end":{"character":53,"line":19},"start":{"character":47,"line":19}}}}
{"id":4,"result":{"contents":{"kind":"markdown","value":"```flow\nfn unique(cols: column...) -> expectation\n```\n\nstandard library\n\n---\n\n…"},"range":{"end":{"character":17,"line":22},"start":{"character":11,"line":22}}}}
{"id":5,"result":{"contents":{"kind":"markdown","value":"```flow\ntarget warehouse\n```\n\nschema `analytics` · dsn: secret from environment variable `WAREHOUSE_DSN` (value never shown)\n\n---\n\nThe analytics warehouse."},"range":{"end":{"character":24,"line":3},"start":{"character":15,"line":3}}}}
{"id":6,"result":{"contents":{"kind":"markdown","value":"```flow\nparam kpi.ds: date\n```"},"range":{"end":{"character":70,"line":19},"start":{"character":68,"line":19}}}}
{"id":7,"result":{"contents":{"kind":"markdown","value":"```flow\nhigh: severity\n```\n\n---\n\nSeverity `high` (the default of `alert`)."},"range":{"end":{"character":44,"line":4},"start":{"character":40,"line":4}}}}
{"id":8,"result":{"contents":{"kind":"markdown","value":"```flow\n(task attribute) writes: string (optional, default required for SQL tasks unless `mode = none`)\n```\n\n---\n\nThe table it writes."},"range":{"end":{"character":10,"line":16},"start":{"character":4,"line":16}}}}
{"id":9,"result":{"contents":{"kind":"markdown","value":"```flow\n(workflow attribute) owner: string (optional)\n```\n\n---\n\nThe team that answers for it (E0305 when missing or blank)."},"range":{"end":{"character":7,"line":2},"start":{"character":2,"line":2}}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/targets.flow","version":1}}
{"id":10,"result":{"contents":{"kind":"markdown","value":"```flow\nsecret WAREHOUSE_DSN\n```\n\nthe value of environment variable `WAREHOUSE_DSN`, read at run time; flowc never shows, logs or stores it"},"range":{"end":{"character":30,"line":2},"start":{"character":15,"line":2}}}}
{"id":11,"result":{"contents":{"kind":"markdown","value":"```flow\nextern fn env(name: string) -> secret\n```\n\na secret: its value comes from the environment and is never shown\n\nstandard library\n\n---\n\n…"},"range":{"end":{"character":14,"line":2},"start":{"character":11,"line":2}}}}
{"id":12,"result":{"contents":{"kind":"markdown","value":"```flow\nworkflow kpi\n```\n\nowner `data-eng` · stage `mirror`\n\n---\n\nDaily KPIs."},"range":{"end":{"character":12,"line":1},"start":{"character":9,"line":1}}}}
{"id":13,"result":{"contents":{"kind":"markdown","value":"```flow\nroute oncall\n```\n\nowner `data-eng`"},"range":{"end":{"character":27,"line":4},"start":{"character":21,"line":4}}}}
{"id":14,"result":null}
{"id":15,"result":null}
exit code: 0
