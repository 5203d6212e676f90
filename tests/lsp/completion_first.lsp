# Completion asked right after a document opens, before its project's
# first check: attribute names and a route's severities are the model's,
# so the first completion runs that check (its diagnostics are published
# first) instead of answering with nothing but `true` and `false`.
=== file flow.project
project shop {
}
=== file routes.flow
route oncall {
  owner        = "data-eng"
  min_severity = 

}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(routes.flow)", "languageId": "flow", "version": 1, "text": $TEXT(routes.flow)}}
> textDocument/completion {"textDocument": {"uri": "$URI(routes.flow)"}, "position": {"line": 3, "character": 2}}
> textDocument/completion {"textDocument": {"uri": "$URI(routes.flow)"}, "position": {"line": 2, "character": 17}}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"method":"textDocument/publishDiagnostics","params":{"diagnostics":[{"code":"E0002","message":"expected a value after `min_severity =`","range":{"end":{"character":17,"line":2},"start":{"character":17,"line":2}},"severity":1,"source":"flowc"}],"uri":"$ROOT/routes.flow","version":1}}
{"id":2,"result":{"isIncomplete":false,"items":[{"detail":"notify: list<channel> (required)","documentation":{"kind":"plaintext","value":"…"},"insertText":"notify = ","kind":10,"label":"notify","sortText":"0_notify"},{"detail":"repeat: duration (optional, default 0s (every time))","documentation":{"kind":"plaintext","value":"…"},"insertText":"repeat = ","kind":10,"label":"repeat","sortText":"0_repeat"}]}}
{"id":3,"result":{"isIncomplete":false,"items":[{"detail":"severity","documentation":{"kind":"plaintext","value":"…"},"kind":20,"label":"critical","sortText":"0_critical"},{"detail":"severity","documentation":{"kind":"plaintext","value":"…"},"kind":20,"label":"high","sortText":"0_high"},{"detail":"severity","documentation":{"kind":"plaintext","value":"…"},"kind":20,"label":"info","sortText":"0_info"},{"detail":"severity","documentation":{"kind":"plaintext","value":"…"},"kind":20,"label":"low","sortText":"0_low"},{"detail":"severity","documentation":{"kind":"plaintext","value":"…"},"kind":20,"label":"medium","sortText":"0_medium"}]}}
{"id":4,"result":null}
exit code: 0
