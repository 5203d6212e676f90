# Completion, from the text around the cursor and the last checked model:
# attribute names of a task (with types and docs, those already written
# left out), write modes after "mode =", severities after "severity =",
# stages, names after ${ in SQL (and a workflow's tasks after "kpi."),
# expectation functions after "expect", block keywords at the top level,
# nothing inside a comment or plain string text.
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
=== file scratch.flow
workflow scratch {
  owner      = "data-eng"
  on_failure = alert(oncall, severity = cr)
  stage      = mi

  task t {
    writes = "t"
    mo
    mode = re
    sql = "select * from ${kpi.da} join ${o} -- plain text here"
    expect un
  }
}

# a comment
=== session
> initialize {"capabilities": {"textDocument": {"completion": {"completionItem": {"documentationFormat": ["markdown"]}}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(scratch.flow)", "languageId": "flow", "version": 1, "text": $TEXT(scratch.flow)}}
wait diagnostics scratch.flow
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|    mo|+6)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|mode = re|+9)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|= cr|+4)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|= mi|+4)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|kpi.da|+6)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|${o}|+3)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|plain text|+5)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|expect un|+9)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": $POS(scratch.flow|# a comment|+11)}
> textDocument/completion {"textDocument": {"uri": "$URI(scratch.flow)"}, "position": {"line": 14, "character": 0}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0101","message":"unknown severity `cr`\nhelp: a `severity` is one of `info`, `low`, `medium`, `high`, `critical`","range":{"end":{"character":42,"line":2},"start":{"character":40,"line":2}},"severity":1,"source":"flowc"},{"code":"E0101","message":"unknown stage `mi`\nhelp: a `stage` is one of `model`, `mirror`, `production`","range":{"end":{"character":17,"line":3},"start":{"character":15,"line":3}},"severity":1,"source":"flowc"},{"code":"E0002","message":"expected `=` after attribute name `mo`","range":{"end":{"character":6,"line":7},"start":{"character":6,"line":7}},"severity":1,"source":"flowc"},{"code":"E0101","message":"unknown write mode `re`\nhelp: a `write_mode` is one of `replace`, `append`, `none`, or `overwrite_partition(col)`, `merge(key)`","range":{"end":{"character":13,"line":8},"start":{"character":11,"line":8}},"severity":1,"source":"flowc"},{"code":"E0306","message":"workflow `kpi` has no task or source `da`","range":{"end":{"character":33,"line":9},"start":{"character":31,"line":9}},"severity":1,"source":"flowc"},{"code":"E0306","message":"`${o}` refers to no task, source or param","range":{"end":{"character":43,"line":9},"start":{"character":42,"line":9}},"severity":1,"source":"flowc"},{"code":"E0101","message":"unknown name `un`","range":{"end":{"character":13,"line":10},"start":{"character":11,"line":10}},"severity":1,"source":"flowc"}],"uri":"$ROOT/scratch.flow","version":1}}
{"id":2,"result":{"isIncomplete":false,"items":[{"detail":"after: list<task> (optional, default [])","documentation":{"kind":"markdown","value":"…"},"insertText":"after = ","kind":10,"label":"after","sortText":"0_after"},{"detail":"compare: list<metric> (optional, default [])","documentation":{"kind":"markdown","value":"…"},"insertText":"compare = ","kind":10,"label":"compare","sortText":"0_compare"},{"detail":"compare_ignore: list<string> (optional, default [])","documentation":{"kind":"markdown","value":"…"},"insertText":"compare_ignore = ","kind":10,"label":"compare_ignore","sortText":"0_compare_ignore"},{"detail":"idempotent: bool (optional, default false (true for replace, overwrite_partition, merge))","documentation":{"kind":"markdown","value":"…"},"insertText":"idempotent = ","kind":10,"label":"idempotent","sortText":"0_idempotent"},{"detail":"publish: bool (optional, default false)","documentation":{"kind":"markdown","value":"…"},"insertText":"publish = ","kind":10,"label":"publish","sortText":"0_publish"},{"detail":"retry: retry_policy (optional, default the workflow's `retry`)","documentation":{"kind":"markdown","value":"…"},"insertText":"retry = ","kind":10,"label":"retry","sortText":"0_retry"},{"detail":"run: command (optional)","documentation":{"kind":"markdown","value":"…"},"insertText":"run = ","kind":10,"label":"run","sortText":"0_run"},{"detail":"timeout: duration (optional, default the workflow's `timeout`)","documentation":{"kind":"markdown","value":"…"},"insertText":"timeout = ","kind":10,"label":"timeout","sortText":"0_timeout"},{"detail":"keyword","insertText":"expect ","kind":14,"label":"expect","sortText":"2_expect"}]}}
{"id":3,"result":{"isIncomplete":false,"items":[{"detail":"write_mode","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"append","sortText":"0_append"},{"detail":"write_mode","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"none","sortText":"0_none"},{"detail":"write_mode","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"replace","sortText":"0_replace"},{"detail":"extern fn merge(key: list<column>) -> write_mode","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"merge","sortText":"1_merge"},{"detail":"extern fn overwrite_partition(col: column) -> write_mode","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"overwrite_partition","sortText":"1_overwrite_partition"}]}}
{"id":4,"result":{"isIncomplete":false,"items":[{"detail":"severity","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"critical","sortText":"0_critical"},{"detail":"severity","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"high","sortText":"0_high"},{"detail":"severity","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"info","sortText":"0_info"},{"detail":"severity","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"low","sortText":"0_low"},{"detail":"severity","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"medium","sortText":"0_medium"}]}}
{"id":5,"result":{"isIncomplete":false,"items":[{"detail":"stage","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"mirror","sortText":"0_mirror"},{"detail":"stage","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"model","sortText":"0_model"},{"detail":"stage","documentation":{"kind":"markdown","value":"…"},"kind":20,"label":"production","sortText":"0_production"}]}}
{"id":6,"result":{"isIncomplete":false,"items":[{"detail":"task kpi.daily","kind":7,"label":"daily","sortText":"0_daily"},{"detail":"source kpi.orders","kind":8,"label":"orders","sortText":"0_orders"},{"detail":"task kpi.publish","kind":7,"label":"publish","sortText":"0_publish"}]}}
{"id":7,"result":{"isIncomplete":false,"items":[{"detail":"keyword","kind":14,"label":"self","sortText":"2_self"},{"detail":"workflow","kind":9,"label":"kpi","sortText":"5_kpi"},{"detail":"workflow","kind":9,"label":"scratch","sortText":"5_scratch"}]}}
{"id":8,"result":{"isIncomplete":false,"items":[]}}
{"id":9,"result":{"isIncomplete":false,"items":[{"detail":"fn accepted_values(col: column, values: list<any>) -> expectation","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"accepted_values","sortText":"0_accepted_values"},{"detail":"fn not_null(cols: column...) -> expectation","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"not_null","sortText":"0_not_null"},{"detail":"extern fn partition_exists(param: any) -> expectation","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"partition_exists","sortText":"0_partition_exists"},{"detail":"fn positive(col: column) -> expectation","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"positive","sortText":"0_positive"},{"detail":"fn unique(cols: column...) -> expectation","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"unique","sortText":"0_unique"},{"detail":"extern fn avg(col: column) -> metric<float>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"avg","sortText":"1_avg"},{"detail":"extern fn distinct_count(col: column) -> metric<int>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"distinct_count","sortText":"1_distinct_count"},{"detail":"extern fn duplicate_count(cols: column...) -> metric<int>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"duplicate_count","sortText":"1_duplicate_count"},{"detail":"extern fn freshness(col: column) -> metric<duration>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"freshness","sortText":"1_freshness"},{"detail":"extern fn invalid_count(col: column, accepted: list<any>) -> metric<int>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"invalid_count","sortText":"1_invalid_count"},{"detail":"extern fn max(col: column) -> metric<any>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"max","sortText":"1_max"},{"detail":"extern fn min(col: column) -> metric<any>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"min","sortText":"1_min"},{"detail":"extern fn null_count(cols: column...) -> metric<int>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"null_count","sortText":"1_null_count"},{"detail":"extern fn null_rate(col: column) -> metric<percent>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"null_rate","sortText":"1_null_rate"},{"detail":"extern fn row_count() -> metric<int>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"row_count","sortText":"1_row_count"},{"detail":"extern fn sql(query: sql) -> metric<any>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"sql","sortText":"1_sql"},{"detail":"extern fn sum(col: column) -> metric<float>","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"sum","sortText":"1_sum"},{"detail":"extern fn alert(route: route, severity: severity = high) -> alert","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"alert","sortText":"5_alert"},{"detail":"extern fn command(argv: list<string>, env: list<secret> = []) -> command","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"command","sortText":"5_command"},{"detail":"extern fn cron(expr: string, tz: string = \"UTC\") -> cron","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"cron","sortText":"5_cron"},{"detail":"extern fn env(name: string) -> secret","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"env","sortText":"5_env"},{"detail":"extern fn exponential(initial: duration = 30s, max: duration = 10m) -> backoff","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"exponential","sortText":"5_exponential"},{"detail":"extern fn file(path: string) -> sql","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"file","sortText":"5_file"},{"detail":"extern fn fixed(delay: duration) -> backoff","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"fixed","sortText":"5_fixed"},{"detail":"extern fn jsonl(path: string) -> channel","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"jsonl","sortText":"5_jsonl"},{"detail":"extern fn logical_date() -> date","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"logical_date","sortText":"5_logical_date"},{"detail":"extern fn merge(key: list<column>) -> write_mode","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"merge","sortText":"5_merge"},{"detail":"extern fn overwrite_partition(col: column) -> write_mode","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"overwrite_partition","sortText":"5_overwrite_partition"},{"detail":"extern fn retry(attempts: int = 3, backoff: backoff = exponential(), on: retry_on = transient) -> retry_policy","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"retry","sortText":"5_retry"},{"detail":"extern fn stderr() -> channel","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"stderr","sortText":"5_stderr"},{"detail":"extern fn webhook(url: secret) -> channel","documentation":{"kind":"markdown","value":"…"},"kind":3,"label":"webhook","sortText":"5_webhook"},{"detail":"task scratch.t","kind":7,"label":"t","sortText":"6_t"}]}}
{"id":10,"result":{"isIncomplete":false,"items":[]}}
{"id":11,"result":{"isIncomplete":false,"items":[{"detail":"keyword","kind":14,"label":"fn","sortText":"2_fn"},{"detail":"keyword","kind":14,"label":"legacy","sortText":"2_legacy"},{"detail":"keyword","kind":14,"label":"project","sortText":"2_project"},{"detail":"keyword","kind":14,"label":"route","sortText":"2_route"},{"detail":"keyword","kind":14,"label":"target","sortText":"2_target"},{"detail":"keyword","kind":14,"label":"workflow","sortText":"2_workflow"}]}}
{"id":12,"result":null}
exit code: 0
