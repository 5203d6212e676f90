# Documents that are not .flow files (and URIs that are not file://) are
# ignored: no diagnostics, and every request answers an empty result.
=== file notes.md
# Notes about `daily`
=== file flow.project
project shop {
}
=== session
> initialize {"capabilities": {}}
! initialized {}
! textDocument/didOpen {"textDocument": {"uri": "$URI(notes.md)", "languageId": "markdown", "version": 1, "text": $TEXT(notes.md)}}
! textDocument/didChange {"textDocument": {"uri": "$URI(notes.md)", "version": 2}, "contentChanges": [{"text": "changed"}]}
! textDocument/didOpen {"textDocument": {"uri": "untitled:Untitled-1", "languageId": "flow", "version": 1, "text": "workflow {"}}
> textDocument/hover {"textDocument": {"uri": "$URI(notes.md)"}, "position": {"line": 0, "character": 3}}
> textDocument/definition {"textDocument": {"uri": "$URI(notes.md)"}, "position": {"line": 0, "character": 3}}
> textDocument/references {"textDocument": {"uri": "$URI(notes.md)"}, "position": {"line": 0, "character": 3}, "context": {"includeDeclaration": true}}
> textDocument/completion {"textDocument": {"uri": "$URI(notes.md)"}, "position": {"line": 0, "character": 3}}
> textDocument/documentSymbol {"textDocument": {"uri": "$URI(notes.md)"}}
> textDocument/formatting {"textDocument": {"uri": "$URI(notes.md)"}, "options": {"tabSize": 2, "insertSpaces": true}}
> textDocument/codeAction {"textDocument": {"uri": "$URI(notes.md)"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "context": {"diagnostics": []}}
> textDocument/prepareRename {"textDocument": {"uri": "$URI(notes.md)"}, "position": {"line": 0, "character": 3}}
> textDocument/hover {"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 3}}
> textDocument/rename {"textDocument": {"uri": "$URI(notes.md)"}, "position": {"line": 0, "character": 3}, "newName": "x"}
> textDocument/rename {"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 3}, "newName": "x"}
> shutdown
! exit
=== expect
{"id":1,"result":{"capabilities":{"completionProvider":{"resolveProvider":false,"triggerCharacters":["{",".","="]},"definitionProvider":true,"documentFormattingProvider":true,"documentSymbolProvider":true,"hoverProvider":true,"positionEncoding":"utf-16","referencesProvider":true,"renameProvider":true,"textDocumentSync":{"change":2,"openClose":true}},"serverInfo":{"name":"flowc","version":"0.1.0"}}}
{"id":2,"result":null}
{"id":3,"result":[]}
{"id":4,"result":[]}
{"id":5,"result":{"isIncomplete":false,"items":[]}}
{"id":6,"result":[]}
{"id":7,"result":[]}
{"id":8,"result":[]}
{"id":9,"result":null}
{"id":10,"result":null}
{"id":11,"result":null}
{"id":12,"result":null}
{"id":13,"result":null}
exit code: 0
