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
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/all.flow","version":1}}
{"id":2,"result":[{"children":[{"detail":"environment","kind":19,"name":"dev","range":{"end":{"character":44,"line":3},"start":{"character":2,"line":3}},"selectionRange":{"end":{"character":17,"line":3},"start":{"character":14,"line":3}}}],"detail":"target","kind":23,"name":"warehouse","range":{"end":{"character":1,"line":4},"start":{"character":0,"line":0}},"selectionRange":{"end":{"character":16,"line":0},"start":{"character":7,"line":0}}},{"detail":"route","kind":24,"name":"oncall","range":{"end":{"character":1,"line":9},"start":{"character":0,"line":6}},"selectionRange":{"end":{"character":12,"line":6},"start":{"character":6,"line":6}}},{"detail":"fn(col: column) -> expectation","kind":12,"name":"positive","range":{"end":{"character":100,"line":12},"start":{"character":0,"line":12}},"selectionRange":{"end":{"character":11,"line":12},"start":{"character":3,"line":12}}},{"children":[{"detail":"param: date","kind":13,"name":"ds","range":{"end":{"character":31,"line":17},"start":{"character":2,"line":17}},"selectionRange":{"end":{"character":10,"line":17},"start":{"character":8,"line":17}}},{"detail":"source","kind":11,"name":"orders","range":{"end":{"character":3,"line":22},"start":{"character":2,"line":19}},"selectionRange":{"end":{"character":15,"line":19},"start":{"character":9,"line":19}}},{"detail":"task → \"daily\"","kind":12,"name":"daily","range":{"end":{"character":3,"line":29},"start":{"character":2,"line":24}},"selectionRange":{"end":{"character":12,"line":24},"start":{"character":7,"line":24}}}],"detail":"workflow","kind":2,"name":"kpi","range":{"end":{"character":1,"line":30},"start":{"character":0,"line":14}},"selectionRange":{"end":{"character":12,"line":14},"start":{"character":9,"line":14}}}]}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0003","message":"unterminated string: expected `\"` before the end of the line","range":{"end":{"character":20,"line":25},"start":{"character":14,"line":25}},"severity":1,"source":"flowc"}],"uri":"$ROOT/all.flow","version":2}}
{"id":3,"result":[{"children":[{"detail":"environment","kind":19,"name":"dev","range":{"end":{"character":44,"line":3},"start":{"character":2,"line":3}},"selectionRange":{"end":{"character":17,"line":3},"start":{"character":14,"line":3}}}],"detail":"target","kind":23,"name":"warehouse","range":{"end":{"character":1,"line":4},"start":{"character":0,"line":0}},"selectionRange":{"end":{"character":16,"line":0},"start":{"character":7,"line":0}}},{"detail":"route","kind":24,"name":"oncall","range":{"end":{"character":1,"line":9},"start":{"character":0,"line":6}},"selectionRange":{"end":{"character":12,"line":6},"start":{"character":6,"line":6}}},{"detail":"fn(col: column) -> expectation","kind":12,"name":"positive","range":{"end":{"character":100,"line":12},"start":{"character":0,"line":12}},"selectionRange":{"end":{"character":11,"line":12},"start":{"character":3,"line":12}}},{"children":[{"detail":"param: date","kind":13,"name":"ds","range":{"end":{"character":31,"line":17},"start":{"character":2,"line":17}},"selectionRange":{"end":{"character":10,"line":17},"start":{"character":8,"line":17}}},{"detail":"source","kind":11,"name":"orders","range":{"end":{"character":3,"line":22},"start":{"character":2,"line":19}},"selectionRange":{"end":{"character":15,"line":19},"start":{"character":9,"line":19}}},{"detail":"task","kind":12,"name":"daily","range":{"end":{"character":3,"line":29},"start":{"character":2,"line":24}},"selectionRange":{"end":{"character":12,"line":24},"start":{"character":7,"line":24}}}],"detail":"workflow","kind":2,"name":"kpi","range":{"end":{"character":1,"line":30},"start":{"character":0,"line":14}},"selectionRange":{"end":{"character":12,"line":14},"start":{"character":9,"line":14}}}]}
{"id":4,"result":null}
exit code: 0
