# Code actions: each diagnostic fix-it ("did you mean") becomes a quickfix
# for a range overlapping the diagnostic; elsewhere, or when the client asks
# only for other kinds, there are none.
=== file flow.project
project shop {
}
=== file kpi.flow
route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow kpi {
  owner      = "data-eng"
  on_failure = alert(oncal)

  task daily {
    writes  = "daily"
    mode    = replace
    sql     = "select 1"
    publish = true
    timeout = "20m"
  }
}
=== session
> initialize {"capabilities": {"textDocument": {"codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}}}}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(kpi.flow)", "languageId": "flow", "version": 1, "text": $TEXT(kpi.flow)}}
wait diagnostics kpi.flow
> textDocument/codeAction {"textDocument": {"uri": "$URI(kpi.flow)"}, "range": $RANGE(kpi.flow|(oncal), "context": {"diagnostics": []}}
> textDocument/codeAction {"textDocument": {"uri": "$URI(kpi.flow)"}, "range": $RANGE(kpi.flow|"20m"), "context": {"diagnostics": []}}
> textDocument/codeAction {"textDocument": {"uri": "$URI(kpi.flow)"}, "range": $RANGE(kpi.flow|select), "context": {"diagnostics": []}}
> textDocument/codeAction {"textDocument": {"uri": "$URI(kpi.flow)"}, "range": $RANGE(kpi.flow|(oncal), "context": {"diagnostics": [], "only": ["refactor"]}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"codeActionProvider":{"codeActionKinds":["quickfix"]},"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0101","message":"unknown route `oncal`\nhelp: did you mean `oncall`?","range":{"end":{"character":26,"line":7},"start":{"character":21,"line":7}},"severity":1,"source":"flowc"},{"code":"E0201","message":"`timeout` expects `duration`, found `string`\nhelp: write `20m`","range":{"end":{"character":19,"line":14},"start":{"character":14,"line":14}},"severity":1,"source":"flowc"}],"uri":"$ROOT/kpi.flow","version":1}}
{"id":2,"result":[{"diagnostics":[{"code":"E0101","message":"unknown route `oncal`\nhelp: did you mean `oncall`?","range":{"end":{"character":26,"line":7},"start":{"character":21,"line":7}},"severity":1,"source":"flowc"}],"edit":{"changes":{"$ROOT/kpi.flow":[{"newText":"oncall","range":{"end":{"character":26,"line":7},"start":{"character":21,"line":7}}}]}},"isPreferred":true,"kind":"quickfix","title":"did you mean `oncall`?"}]}
{"id":3,"result":[{"diagnostics":[{"code":"E0201","message":"`timeout` expects `duration`, found `string`\nhelp: write `20m`","range":{"end":{"character":19,"line":14},"start":{"character":14,"line":14}},"severity":1,"source":"flowc"}],"edit":{"changes":{"$ROOT/kpi.flow":[{"newText":"20m","range":{"end":{"character":19,"line":14},"start":{"character":14,"line":14}}}]}},"isPreferred":true,"kind":"quickfix","title":"write `20m`"}]}
{"id":4,"result":[]}
{"id":5,"result":[]}
{"id":6,"result":null}
exit code: 0
