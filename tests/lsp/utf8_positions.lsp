# Non-ASCII text before a name on the same line: "é" is 1 UTF-16 unit (2
# bytes) and "😀" 2 units (4 bytes). With UTF-8 negotiated (general.positionEncodings) the
# diagnostic, hover, definition and an incremental edit all use
# byte columns (compare utf16_positions.lsp, the same session in UTF-16).
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
# Orders é😀 of the day
workflow kpi {
  owner      = "data-eng"
  on_failure = alert(oncall)

  source orders {
    table = "raw.orders"
    ready = row_count() > 0
  }

  task daily {
    writes  = "daily"
    mode    = replace
    sql     = "select 'é😀' as tag, * from ${ordrs}"
    publish = true
  }
}
=== session
> initialize {"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(kpi.flow)", "languageId": "flow", "version": 1, "text": $TEXT(kpi.flow)}}
wait diagnostics kpi.flow
# ordrs is bytes 48-53 (UTF-16 columns 45-50): fix it with an edit there.
! textDocument/didChange {"textDocument": {"uri": "$URI(kpi.flow)", "version": 2}, "contentChanges": [
    {"range": {"start": {"line": 13, "character": 48}, "end": {"line": 13, "character": 53}}, "text": "orders"}]}
> textDocument/hover {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": {"line": 13, "character": 50}}
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": {"line": 13, "character": 54}}
# Past the end of the name: nothing.
> textDocument/definition {"textDocument": {"uri": "$URI(kpi.flow)"}, "position": {"line": 13, "character": 56}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-8","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0306","message":"`${ordrs}` refers to no task, source or param\nhelp: did you mean `orders`?","range":{"end":{"character":53,"line":13},"start":{"character":48,"line":13}},"severity":1,"source":"flowc"}],"uri":"$ROOT/kpi.flow","version":1}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[],"uri":"$ROOT/kpi.flow","version":2}}
{"id":2,"result":{"contents":{"kind":"plaintext","value":"source kpi.orders\n\nreads table raw.orders on target warehouse"},"range":{"end":{"character":54,"line":13},"start":{"character":48,"line":13}}}}
{"id":3,"result":[{"range":{"end":{"character":15,"line":5},"start":{"character":9,"line":5}},"uri":"$ROOT/kpi.flow"}]}
{"id":4,"result":[]}
{"id":5,"result":null}
exit code: 0
