// The typed handlers of LspServer: LSP params in, Service calls, LSP results
// out. Each handler answers an empty result (not an error) for documents the
// service does not handle, as the LSP expects of unsupported files.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "lsp/protocol/uri.h"
#include "lsp/server/lsp_server.h"

namespace flowc::lsp {

namespace {

TextPosition from_proto(const proto::Position& p) { return {p.line, p.character}; }
proto::Position to_proto(TextPosition p) { return {p.line, p.column}; }
proto::Range to_proto(const TextRange& r) { return {to_proto(r.start), to_proto(r.end)}; }
TextRange from_proto(const proto::Range& r) { return {from_proto(r.start), from_proto(r.end)}; }

int completion_kind(CompletionEntry::Kind kind) {
  using K = CompletionEntry::Kind;
  switch (kind) {
    case K::Attribute: return 10;  // Property
    case K::Keyword: return 14;
    case K::Function: return 3;
    case K::Task: return 7;        // Class
    case K::Source: return 8;      // Interface
    case K::Param: return 6;       // Variable
    case K::Workflow: return 9;    // Module
    case K::Target: return 22;     // Struct
    case K::Route: return 23;      // Event
    case K::Legacy: return 18;     // Reference
    case K::EnumValue: return 20;  // EnumMember
    case K::Snippet: return 15;
  }
  return 1;
}

int symbol_kind(OutlineSymbol::Kind kind) {
  using K = OutlineSymbol::Kind;
  switch (kind) {
    case K::Project: return 4;       // Package
    case K::Target: return 23;       // Struct
    case K::Environment: return 19;  // Object
    case K::Route: return 24;        // Event
    case K::Legacy: return 5;        // Class
    case K::Workflow: return 2;      // Module
    case K::Source: return 11;       // Interface
    case K::Task: return 12;         // Function
    case K::Param: return 13;        // Variable
    case K::Function: return 12;     // Function
  }
  return 12;
}

/// The Markdown of hover and completion docs as plain text, for clients
/// that cannot render Markdown: no code fences, rules or backticks, and
/// one blank line where a dropped rule leaves two.
std::string plain_text(const std::string& markdown) {
  std::string out;
  size_t start = 0;
  while (start <= markdown.size()) {
    size_t end = markdown.find('\n', start);
    if (end == std::string::npos) end = markdown.size();
    std::string_view line(markdown.data() + start, end - start);
    const bool blank_again = line.empty() && (out.empty() || out.ends_with("\n\n"));
    if (!line.starts_with("```") && line != "---" && !blank_again) {
      for (char c : line) {
        if (c != '`') out += c;
      }
      out += '\n';
    }
    start = end + 1;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

proto::DocumentSymbol to_document_symbol(const OutlineSymbol& s) {
  proto::DocumentSymbol out;
  out.name = s.name;
  out.detail = s.detail;
  out.kind = symbol_kind(s.kind);
  out.range = to_proto(s.range);
  out.selectionRange = to_proto(s.selection_range);
  for (const OutlineSymbol& child : s.children) out.children.push_back(to_document_symbol(child));
  return out;
}

void flatten(const OutlineSymbol& s, const std::string& uri, const std::string& container,
             std::vector<proto::SymbolInformation>& out) {
  out.push_back({s.name, symbol_kind(s.kind), {uri, to_proto(s.range)}, container});
  for (const OutlineSymbol& child : s.children) flatten(child, uri, s.name, out);
}

}  // namespace

std::optional<std::string> LspServer::document_path(const std::string& uri) const {
  std::optional<std::string> path = uri_to_path(uri);
  if (!path || !Service::handles(*path)) return std::nullopt;
  return Service::canonical_path(*path);
}

std::optional<std::string> LspServer::synced_path(const std::string& uri) const {
  if (std::optional<std::string> path = document_path(uri)) return path;
  std::optional<std::string> path = uri_to_path(uri);
  if (!path || !path->ends_with(".sql")) return std::nullopt;
  return Service::canonical_path(*path);
}

std::string LspServer::uri_for(const std::string& path) const {
  auto it = open_uris_.find(path);
  return it != open_uris_.end() ? it->second : path_to_uri(path);
}

proto::Diagnostic LspServer::to_proto(const EditorDiagnostic& d) const {
  proto::Diagnostic out;
  out.range = lsp::to_proto(d.range);
  out.severity = d.severity == Severity::Error ? 1 : d.severity == Severity::Warning ? 2 : 3;
  out.code = d.code;
  out.message = d.message;
  for (const auto& [where, message] : d.notes) {
    if (client_.relatedInformation) {
      out.relatedInformation.push_back({{uri_for(where.path), lsp::to_proto(where.range)}, message});
    } else {
      // Where it is, in the message, as `flowc check` prints it (1-based;
      // the column in the client's unit).
      out.message += fmt::format("\nnote: {} ({}:{}:{})", message, where.path, where.range.start.line + 1,
                                 where.range.start.column + 1);
    }
  }
  for (const std::string& note : d.unlocated_notes) out.message += "\nnote: " + note;
  return out;
}

Reply LspServer::initialize(const proto::InitializeParams& params) {
  client_ = params.capabilities;
  const auto& offered = client_.positionEncodings;
  bool utf8 = std::find(offered.begin(), offered.end(), "utf-8") != offered.end();
  service_.set_unit(utf8 ? ColumnUnit::Utf8 : ColumnUnit::Utf16);
  if (params.rootUri)
    if (std::optional<std::string> root = uri_to_path(*params.rootUri)) service_.set_workspace_root(*root);
  initialized_ = true;
  Json capabilities = {
      {"positionEncoding", utf8 ? "utf-8" : "utf-16"},
      {"textDocumentSync", {{"openClose", true}, {"change", 2}}},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"renameProvider", client_.prepareRename ? Json{{"prepareProvider", true}} : Json(true)},
      {"completionProvider", {{"triggerCharacters", {"{", ".", "="}}, {"resolveProvider", false}}},
      {"documentSymbolProvider", true},
      {"documentFormattingProvider", true},
  };
  // Quick fixes travel as CodeAction literals; a client without them would
  // need commands, which flowc does not offer: then no code actions at all.
  if (client_.codeActionLiterals) capabilities["codeActionProvider"] = {{"codeActionKinds", {"quickfix"}}};
  return Json{{"capabilities", capabilities}, {"serverInfo", {{"name", "flowc"}, {"version", "0.1.0"}}}};
}

void LspServer::initialized(const Json&) {
  if (!client_.watchedFilesRegistration) return;
  Json watchers = Json::array();
  for (const char* glob : {"**/*.flow", "**/flow.project", "**/*.sql"})
    watchers.push_back({{"globPattern", glob}});
  Json registration = {{"id", "flowc-watched-files"},
                       {"method", "workspace/didChangeWatchedFiles"},
                       {"registerOptions", {{"watchers", watchers}}}};
  send(make_request("flowc-" + std::to_string(next_request_id_++), "client/registerCapability",
                    Json{{"registrations", Json::array({registration})}}));
}

void LspServer::did_open(const proto::DidOpenTextDocumentParams& params) {
  std::optional<std::string> path = synced_path(params.textDocument.uri);
  if (!path) return;
  open_uris_[*path] = params.textDocument.uri;
  versions_[*path] = params.textDocument.version;
  service_.open(*path, params.textDocument.text);
  edited();
}

void LspServer::did_change(const proto::DidChangeTextDocumentParams& params) {
  std::optional<std::string> path = synced_path(params.textDocument.uri);
  if (!path) return;
  std::vector<TextChange> changes;
  for (const auto& c : params.contentChanges) {
    TextChange change;
    if (c.range) change.range = from_proto(*c.range);
    change.text = c.text;
    changes.push_back(std::move(change));
  }
  if (!service_.change(*path, changes)) {
    log("didChange for a document that is not open: " + params.textDocument.uri);
    return;
  }
  if (params.version) versions_[*path] = *params.version;
  edited();
}

void LspServer::did_close(const proto::DidCloseTextDocumentParams& params) {
  std::optional<std::string> path = synced_path(params.textDocument.uri);
  if (!path) return;
  service_.close(*path);
  open_uris_.erase(*path);
  versions_.erase(*path);
  edited();
}

void LspServer::did_change_watched_files(const proto::DidChangeWatchedFilesParams& params) {
  for (const proto::FileEvent& e : params.changes) {
    std::optional<std::string> path = uri_to_path(e.uri);
    if (!path) continue;
    DiskChange change = e.type == 1   ? DiskChange::Created
                        : e.type == 3 ? DiskChange::Deleted
                                      : DiskChange::Changed;
    service_.disk_changed(Service::canonical_path(*path), change);
  }
  edited();
}

void LspServer::cancel(const proto::CancelParams&) {
  // Requests are answered in order on one thread: by the time a cancellation
  // is read on its own, its request was answered. Queued ones are caught in run().
}

Reply LspServer::hover(const proto::TextDocumentPositionParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  if (!path) return Json(nullptr);
  std::optional<HoverInfo> info = service_.hover(*path, from_proto(params.position));
  if (!info) return Json(nullptr);
  proto::Hover out;
  out.contents = client_.hoverMarkdown ? proto::MarkupContent{"markdown", info->markdown}
                                       : proto::MarkupContent{"plaintext", plain_text(info->markdown)};
  out.range = lsp::to_proto(info->range);
  return Json(out);
}

Reply LspServer::definition(const proto::TextDocumentPositionParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  Json out = Json::array();
  if (!path) return out;
  for (const FileLocation& loc : service_.definition(*path, from_proto(params.position))) {
    out.push_back(proto::Location{uri_for(loc.path), lsp::to_proto(loc.range)});
  }
  return out;
}

Reply LspServer::references(const proto::ReferenceParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  Json out = Json::array();
  if (!path) return out;
  for (const FileLocation& loc :
       service_.references(*path, from_proto(params.position), params.includeDeclaration)) {
    out.push_back(proto::Location{uri_for(loc.path), lsp::to_proto(loc.range)});
  }
  return out;
}

Reply LspServer::prepare_rename(const proto::TextDocumentPositionParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  if (!path) return Json(nullptr);
  RenameTarget target = service_.prepare_rename(*path, from_proto(params.position));
  if (!target.error.empty()) return RpcError{ErrorCode::RequestFailed, target.error};
  if (!target.range) return Json(nullptr);
  return Json(proto::PrepareRenameResult{lsp::to_proto(*target.range), target.placeholder});
}

Reply LspServer::rename(const proto::RenameParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  if (!path) return Json(nullptr);  // a document the server ignores: no change, as every request there answers
  RenameResult result = service_.rename(*path, from_proto(params.position), params.newName);
  if (!result.error.empty()) return RpcError{ErrorCode::RequestFailed, result.error};
  proto::WorkspaceEdit edit;
  for (const auto& [file, edits] : result.edits) {
    auto& list = edit.changes[uri_for(file)];
    for (const TextEditData& e : edits) list.push_back({lsp::to_proto(e.range), e.new_text});
  }
  return Json(edit);
}

Reply LspServer::completion(const proto::TextDocumentPositionParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  proto::CompletionList out;
  if (!path) return Json(out);
  // Right after a document opens its project has no model yet: without the
  // first check, attribute names and enum values were missing.
  if (service_.never_checked(*path)) flush();
  CompletionList list = service_.complete(*path, from_proto(params.position));
  out.isIncomplete = list.incomplete;
  for (const CompletionEntry& e : list.entries) {
    proto::CompletionItem item;
    item.label = e.label;
    item.kind = completion_kind(e.kind);
    item.detail = e.detail;
    if (!e.documentation.empty()) {
      item.documentation = client_.completionMarkdown
                               ? proto::MarkupContent{"markdown", e.documentation}
                               : proto::MarkupContent{"plaintext", plain_text(e.documentation)};
    }
    item.insertText = e.insert_text;
    item.sortText = e.sort_key;
    out.items.push_back(std::move(item));
  }
  return Json(out);
}

Reply LspServer::document_symbol(const proto::TextDocumentParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  Json out = Json::array();
  if (!path) return out;
  std::vector<OutlineSymbol> outline = service_.outline(*path);
  if (client_.hierarchicalDocumentSymbols) {
    for (const OutlineSymbol& s : outline) out.push_back(to_document_symbol(s));
  } else {
    std::vector<proto::SymbolInformation> flat;
    for (const OutlineSymbol& s : outline) flatten(s, uri_for(*path), "", flat);
    out = flat;
  }
  return out;
}

Reply LspServer::formatting(const proto::TextDocumentParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  Json out = Json::array();
  if (!path) return out;
  std::optional<std::vector<TextEditData>> edits = service_.format(*path);
  if (!edits) return out;  // syntax errors: nothing is formatted, as with `flowc fmt`
  for (const TextEditData& e : *edits) out.push_back(proto::TextEdit{lsp::to_proto(e.range), e.new_text});
  return out;
}

Reply LspServer::code_action(const proto::CodeActionParams& params) {
  std::optional<std::string> path = document_path(params.textDocument.uri);
  Json out = Json::array();
  if (!path) return out;
  if (!params.only.empty() && std::none_of(params.only.begin(), params.only.end(), [](const std::string& k) {
        return k == "quickfix" || k.starts_with("quickfix.");
      })) {
    return out;
  }
  for (const QuickFix& fix : service_.quick_fixes(*path, from_proto(params.range))) {
    proto::CodeAction action;
    action.title = fix.title;
    action.diagnostics.push_back(to_proto(fix.diagnostic));
    action.edit.changes[uri_for(fix.path)].push_back({lsp::to_proto(fix.edit.range), fix.edit.new_text});
    action.isPreferred = true;
    if (client_.codeActionLiterals) out.push_back(action);
  }
  return out;
}

}  // namespace flowc::lsp
