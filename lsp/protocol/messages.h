// The LSP 3.17 structures flowc uses, and nothing else (clangd's Protocol.h
// idea): params the server reads, results it writes, with their JSON forms.
// Reading never throws out of this layer: decode() reports a bad shape as a
// message for an InvalidParams error.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lsp/protocol/jsonrpc.h"

namespace flowc::lsp::proto {

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
};

struct Range {
  Position start;
  Position end;
};

struct Location {
  std::string uri;
  Range range;
};

struct TextDocumentIdentifier {
  std::string uri;
};

struct TextDocumentItem {
  std::string uri;
  std::string languageId;
  int64_t version = 0;
  std::string text;
};

struct TextDocumentContentChangeEvent {
  std::optional<Range> range;  // absent: the whole document
  std::string text;
};

struct DidOpenTextDocumentParams {
  TextDocumentItem textDocument;
};

struct DidChangeTextDocumentParams {
  TextDocumentIdentifier textDocument;
  std::optional<int64_t> version;
  std::vector<TextDocumentContentChangeEvent> contentChanges;
};

struct DidCloseTextDocumentParams {
  TextDocumentIdentifier textDocument;
};

struct TextDocumentPositionParams {
  TextDocumentIdentifier textDocument;
  Position position;
};

struct ReferenceParams {
  TextDocumentIdentifier textDocument;
  Position position;
  bool includeDeclaration = false;
};

struct RenameParams {
  TextDocumentIdentifier textDocument;
  Position position;
  std::string newName;
};

/// documentSymbol and formatting: only the document matters (formatting
/// options are ignored: the format is canonical).
struct TextDocumentParams {
  TextDocumentIdentifier textDocument;
};

struct CodeActionParams {
  TextDocumentIdentifier textDocument;
  Range range;
  std::vector<std::string> only;  // context.only
};

struct FileEvent {
  std::string uri;
  int type = 2;  // 1 created, 2 changed, 3 deleted
};

struct DidChangeWatchedFilesParams {
  std::vector<FileEvent> changes;
};

struct CancelParams {
  Json id;
};

/// What the client can do, reduced to the switches flowc honours.
struct ClientCapabilities {
  std::vector<std::string> positionEncodings;  // general.positionEncodings
  bool hoverMarkdown = false;
  bool completionMarkdown = false;
  bool hierarchicalDocumentSymbols = false;
  bool prepareRename = false;
  bool codeActionLiterals = false;
  bool relatedInformation = false;
  bool watchedFilesRegistration = false;
};

struct InitializeParams {
  std::optional<std::string> rootUri;  // else the first of workspaceFolders
  ClientCapabilities capabilities;
};

// ---- results and server notifications -------------------------------------

struct DiagnosticRelatedInformation {
  Location location;
  std::string message;
};

struct Diagnostic {
  Range range;
  int severity = 1;  // 1 error, 2 warning, 3 information, 4 hint
  std::string code;
  std::string source = "flowc";
  std::string message;
  std::vector<DiagnosticRelatedInformation> relatedInformation;
};

struct PublishDiagnosticsParams {
  std::string uri;
  std::optional<int64_t> version;
  std::vector<Diagnostic> diagnostics;
};

struct MarkupContent {
  std::string kind = "markdown";  // or "plaintext"
  std::string value;
};

struct Hover {
  MarkupContent contents;
  Range range;
};

struct CompletionItem {
  std::string label;
  int kind = 14;  // CompletionItemKind
  std::string detail;
  std::optional<MarkupContent> documentation;
  std::string insertText;
  std::string sortText;
};

struct CompletionList {
  bool isIncomplete = false;
  std::vector<CompletionItem> items;
};

struct DocumentSymbol {
  std::string name;
  std::string detail;
  int kind = 12;  // SymbolKind
  Range range;
  Range selectionRange;
  std::vector<DocumentSymbol> children;
};

struct SymbolInformation {
  std::string name;
  int kind = 12;
  Location location;
  std::string containerName;
};

struct TextEdit {
  Range range;
  std::string newText;
};

struct WorkspaceEdit {
  std::map<std::string, std::vector<TextEdit>> changes;  // by uri
};

struct CodeAction {
  std::string title;
  std::string kind = "quickfix";
  std::vector<Diagnostic> diagnostics;
  WorkspaceEdit edit;
  bool isPreferred = false;
};

struct PrepareRenameResult {
  Range range;
  std::string placeholder;
};

/// Readers of the params above, found by nlohmann's ADL. They throw on a
/// missing or mistyped field: call them only through decode(), which turns
/// that into an error message.
void from_json(const Json& j, Position& out);
void from_json(const Json& j, Range& out);
void from_json(const Json& j, TextDocumentIdentifier& out);
void from_json(const Json& j, TextDocumentItem& out);
void from_json(const Json& j, TextDocumentContentChangeEvent& out);
void from_json(const Json& j, DidOpenTextDocumentParams& out);
void from_json(const Json& j, DidChangeTextDocumentParams& out);
void from_json(const Json& j, DidCloseTextDocumentParams& out);
void from_json(const Json& j, TextDocumentPositionParams& out);
void from_json(const Json& j, ReferenceParams& out);
void from_json(const Json& j, RenameParams& out);
void from_json(const Json& j, TextDocumentParams& out);
void from_json(const Json& j, CodeActionParams& out);
void from_json(const Json& j, FileEvent& out);
void from_json(const Json& j, DidChangeWatchedFilesParams& out);
void from_json(const Json& j, CancelParams& out);
void from_json(const Json& j, InitializeParams& out);

/// Writers of the results above, in their LSP JSON form; empty optional
/// fields are left out.
void to_json(Json& j, const Position& in);
void to_json(Json& j, const Range& in);
void to_json(Json& j, const Location& in);
void to_json(Json& j, const DiagnosticRelatedInformation& in);
void to_json(Json& j, const Diagnostic& in);
void to_json(Json& j, const PublishDiagnosticsParams& in);
void to_json(Json& j, const MarkupContent& in);
void to_json(Json& j, const Hover& in);
void to_json(Json& j, const CompletionItem& in);
void to_json(Json& j, const CompletionList& in);
void to_json(Json& j, const DocumentSymbol& in);
void to_json(Json& j, const SymbolInformation& in);
void to_json(Json& j, const TextEdit& in);
void to_json(Json& j, const WorkspaceEdit& in);
void to_json(Json& j, const CodeAction& in);
void to_json(Json& j, const PrepareRenameResult& in);

/// The readable part of an exception thrown while reading params
/// (nlohmann's `[json.exception...]` prefix removed).
std::string decode_error_text(const std::exception& e);

/// Reads `params` as T. Returns std::nullopt and sets `error` (for an
/// InvalidParams reply) when a required field is missing or mistyped.
template <typename T>
std::optional<T> decode(const Json& params, std::string& error) {
  try {
    T out;
    from_json(params, out);
    return out;
  } catch (const std::exception& e) {
    error = decode_error_text(e);
    return std::nullopt;
  }
}

}  // namespace flowc::lsp::proto
