# documentSymbol: a hierarchical outline (workflow -> params, sources,
# tasks; target -> environments; fns) when the client supports it, else
# flat SymbolInformation with container names. The outline comes from the
# syntax tree, so it works while the file has errors.
=== file flow.project
project shop {
}
=== file all.flow
target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "analytics"
  environment dev { schema_suffix = "_dev" }
}

route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

## Positive revenue.
fn positive(col: column) -> expectation = sql("select count(*) from ${self} where revenue < 0") == 0

workflow kpi {
  owner      = "data-eng"
  on_failure = alert(oncall)
  param ds: date = logical_date

  source orders {
    table = "raw.orders"
    ready = row_count() > 0
  }

  task daily {
    writes  = "daily"
    mode    = replace
    sql     = "select * from ${orders}"
    publish = true
  }
}
=== session
> initialize {"capabilities": {"textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(all.flow)", "languageId": "flow", "version": 1, "text": $TEXT(all.flow)}}
wait diagnostics all.flow
> textDocument/documentSymbol {"textDocument": {"uri": "$URI(all.flow)"}}
# Break the file: the outline still lists what parses.
! textDocument/didChange {"textDocument": {"uri": "$URI(all.flow)", "version": 2}, "contentChanges": [
    {"range": $RANGE(all.flow|"daily"), "text": "\"daily"}]}
wait diagnostics all.flow
> textDocument/documentSymbol {"textDocument": {"uri": "$URI(all.flow)"}}
> shutdown
! exit
