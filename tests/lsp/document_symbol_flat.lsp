# documentSymbol for a client without hierarchical support: flat
# SymbolInformation, children named with their container.
=== file flow.project
project shop {
}
=== file all.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow kpi {
  owner      = "data-eng"
  on_failure = alert(oncall)

  task daily {
    writes  = "daily"
    mode    = replace
    sql     = "select 1"
    publish = true
  }
}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(all.flow)", "languageId": "flow", "version": 1, "text": $TEXT(all.flow)}}
wait diagnostics all.flow
> textDocument/documentSymbol {"textDocument": {"uri": "$URI(all.flow)"}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/all.flow","version":1}}
{"id":2,"result":[{"kind":24,"location":{"range":{"end":{"character":1,"line":3},"start":{"character":0,"line":0}},"uri":"$ROOT/all.flow"},"name":"oncall"},{"kind":2,"location":{"range":{"end":{"character":1,"line":15},"start":{"character":0,"line":5}},"uri":"$ROOT/all.flow"},"name":"kpi"},{"containerName":"kpi","kind":12,"location":{"range":{"end":{"character":3,"line":14},"start":{"character":2,"line":9}},"uri":"$ROOT/all.flow"},"name":"daily"}]}
{"id":3,"result":null}
exit code: 0
