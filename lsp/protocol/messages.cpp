#include "lsp/protocol/messages.h"

#include <cmath>
#include <stdexcept>

namespace flowc::lsp::proto {

namespace {

/// A value of the wrong shape; caught by decode() like nlohmann's own errors.
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const Json& field(const Json& j, const char* name) {
  if (!j.is_object()) throw DecodeError("expected an object holding `" + std::string(name) + "`");
  auto it = j.find(name);
  if (it == j.end()) throw DecodeError("missing field `" + std::string(name) + "`");
  return *it;
}

const Json* optional_field(const Json& j, const char* name) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(name);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string string_field(const Json& j, const char* name) {
  const Json& v = field(j, name);
  if (!v.is_string()) throw DecodeError("`" + std::string(name) + "` must be a string");
  return v.get<std::string>();
}

/// An LSP uinteger; values beyond uint32 clamp (positions clamp anyway).
uint32_t uinteger(const Json& j, const char* name) {
  const Json& v = field(j, name);
  if (v.is_number_unsigned()) return static_cast<uint32_t>(std::min<uint64_t>(v.get<uint64_t>(), UINT32_MAX));
  // A signed integer: negative, or `-0`, which is 0.
  if (v.is_number_integer() && v.get<int64_t>() == 0) return 0;
  if (v.is_number_integer()) throw DecodeError("`" + std::string(name) + "` must not be negative");
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!(d >= 0)) throw DecodeError("`" + std::string(name) + "` must not be negative");
    if (d < 1e15 && d != std::floor(d))
      throw DecodeError("`" + std::string(name) + "` must be a whole number");
    return d >= UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(d);
  }
  throw DecodeError("`" + std::string(name) + "` must be a number");
}

bool flag(const Json& j, std::initializer_list<const char*> path) {
  const Json* at = &j;
  for (const char* name : path) {
    at = optional_field(*at, name);
    if (!at) return false;
  }
  return at->is_boolean() ? at->get<bool>() : !at->is_null();
}

bool lists(const Json& j, std::initializer_list<const char*> path, std::string_view value) {
  const Json* at = &j;
  for (const char* name : path) {
    at = optional_field(*at, name);
    if (!at) return false;
  }
  if (!at->is_array()) return false;
  for (const Json& v : *at) {
    if (v.is_string() && v.get<std::string>() == value) return true;
  }
  return false;
}

}  // namespace

std::string decode_error_text(const std::exception& e) {
  std::string text = e.what();
  if (text.starts_with("[json.exception.")) {
    if (size_t close = text.find("] "); close != std::string::npos) text = text.substr(close + 2);
  }
  return "invalid params: " + text;
}

void from_json(const Json& j, Position& out) {
  out.line = uinteger(j, "line");
  out.character = uinteger(j, "character");
}

void from_json(const Json& j, Range& out) {
  from_json(field(j, "start"), out.start);
  from_json(field(j, "end"), out.end);
}

void from_json(const Json& j, TextDocumentIdentifier& out) { out.uri = string_field(j, "uri"); }

void from_json(const Json& j, TextDocumentItem& out) {
  out.uri = string_field(j, "uri");
  out.text = string_field(j, "text");
  if (const Json* v = optional_field(j, "languageId"); v && v->is_string())
    out.languageId = v->get<std::string>();
  if (const Json* v = optional_field(j, "version"); v && v->is_number_integer())
    out.version = v->get<int64_t>();
}

void from_json(const Json& j, TextDocumentContentChangeEvent& out) {
  out.text = string_field(j, "text");
  if (const Json* r = optional_field(j, "range")) {
    Range range;
    from_json(*r, range);
    out.range = range;
  }
}

void from_json(const Json& j, DidOpenTextDocumentParams& out) {
  from_json(field(j, "textDocument"), out.textDocument);
}

void from_json(const Json& j, DidChangeTextDocumentParams& out) {
  const Json& doc = field(j, "textDocument");
  from_json(doc, out.textDocument);
  if (const Json* v = optional_field(doc, "version"); v && v->is_number_integer())
    out.version = v->get<int64_t>();
  const Json& changes = field(j, "contentChanges");
  if (!changes.is_array()) throw DecodeError("`contentChanges` must be an array");
  for (const Json& c : changes) from_json(c, out.contentChanges.emplace_back());
}

void from_json(const Json& j, DidCloseTextDocumentParams& out) {
  from_json(field(j, "textDocument"), out.textDocument);
}

void from_json(const Json& j, TextDocumentPositionParams& out) {
  from_json(field(j, "textDocument"), out.textDocument);
  from_json(field(j, "position"), out.position);
}

void from_json(const Json& j, ReferenceParams& out) {
  from_json(field(j, "textDocument"), out.textDocument);
  from_json(field(j, "position"), out.position);
  out.includeDeclaration = flag(j, {"context", "includeDeclaration"});
}

void from_json(const Json& j, RenameParams& out) {
  from_json(field(j, "textDocument"), out.textDocument);
  from_json(field(j, "position"), out.position);
  out.newName = string_field(j, "newName");
}

void from_json(const Json& j, TextDocumentParams& out) {
  from_json(field(j, "textDocument"), out.textDocument);
}

void from_json(const Json& j, CodeActionParams& out) {
  from_json(field(j, "textDocument"), out.textDocument);
  from_json(field(j, "range"), out.range);
  if (const Json* ctx = optional_field(j, "context")) {
    if (const Json* only = optional_field(*ctx, "only"); only && only->is_array()) {
      for (const Json& k : *only) {
        if (k.is_string()) out.only.push_back(k.get<std::string>());
      }
    }
  }
}

void from_json(const Json& j, FileEvent& out) {
  out.uri = string_field(j, "uri");
  const Json& type = field(j, "type");
  if (!type.is_number_integer()) throw DecodeError("`type` must be 1, 2 or 3");
  out.type = type.get<int>();
}

void from_json(const Json& j, DidChangeWatchedFilesParams& out) {
  const Json& changes = field(j, "changes");
  if (!changes.is_array()) throw DecodeError("`changes` must be an array");
  for (const Json& c : changes) from_json(c, out.changes.emplace_back());
}

void from_json(const Json& j, CancelParams& out) {
  out.id = field(j, "id");
  if (!out.id.is_number_integer() && !out.id.is_string())
    throw DecodeError("`id` must be a number or a string");
}

void from_json(const Json& j, InitializeParams& out) {
  if (!j.is_object()) throw DecodeError("expected an object");
  // The shapes LSP gives them: anything else is a wrong-shape param (-32602).
  if (const Json* pid = optional_field(j, "processId"); pid && !pid->is_null() && !pid->is_number_integer())
    throw DecodeError("`processId` must be an integer or null");
  if (const Json* caps = optional_field(j, "capabilities"); caps && !caps->is_object())
    throw DecodeError("`capabilities` must be an object");
  if (const Json* root = optional_field(j, "rootUri"); root && root->is_string())
    out.rootUri = root->get<std::string>();
  // A client that sends workspace folders alone (rootUri is deprecated):
  // the first folder is the root.
  if (const Json* folders = optional_field(j, "workspaceFolders");
      !out.rootUri && folders && folders->is_array() && !folders->empty() && folders->front().is_object())
    if (const Json* uri = optional_field(folders->front(), "uri"); uri && uri->is_string())
      out.rootUri = uri->get<std::string>();
  const Json* caps = optional_field(j, "capabilities");
  if (!caps) return;
  if (const Json* general = optional_field(*caps, "general")) {
    if (const Json* enc = optional_field(*general, "positionEncodings"); enc && enc->is_array()) {
      for (const Json& e : *enc) {
        if (e.is_string()) out.capabilities.positionEncodings.push_back(e.get<std::string>());
      }
    }
  }
  ClientCapabilities& c = out.capabilities;
  c.hoverMarkdown = lists(*caps, {"textDocument", "hover", "contentFormat"}, "markdown");
  c.completionMarkdown =
      lists(*caps, {"textDocument", "completion", "completionItem", "documentationFormat"}, "markdown");
  c.hierarchicalDocumentSymbols =
      flag(*caps, {"textDocument", "documentSymbol", "hierarchicalDocumentSymbolSupport"});
  c.prepareRename = flag(*caps, {"textDocument", "rename", "prepareSupport"});
  c.codeActionLiterals = flag(*caps, {"textDocument", "codeAction", "codeActionLiteralSupport"});
  c.relatedInformation = flag(*caps, {"textDocument", "publishDiagnostics", "relatedInformation"});
  c.watchedFilesRegistration = flag(*caps, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"});
}

void to_json(Json& j, const Position& in) { j = Json{{"line", in.line}, {"character", in.character}}; }

void to_json(Json& j, const Range& in) { j = Json{{"start", in.start}, {"end", in.end}}; }

void to_json(Json& j, const Location& in) { j = Json{{"uri", in.uri}, {"range", in.range}}; }

void to_json(Json& j, const DiagnosticRelatedInformation& in) {
  j = Json{{"location", in.location}, {"message", in.message}};
}

void to_json(Json& j, const Diagnostic& in) {
  j = Json{{"range", in.range},
           {"severity", in.severity},
           {"code", in.code},
           {"source", in.source},
           {"message", in.message}};
  if (!in.relatedInformation.empty()) j["relatedInformation"] = in.relatedInformation;
}

void to_json(Json& j, const PublishDiagnosticsParams& in) {
  j = Json{{"uri", in.uri}, {"diagnostics", in.diagnostics}};
  if (in.version) j["version"] = *in.version;
}

void to_json(Json& j, const MarkupContent& in) { j = Json{{"kind", in.kind}, {"value", in.value}}; }

void to_json(Json& j, const Hover& in) { j = Json{{"contents", in.contents}, {"range", in.range}}; }

void to_json(Json& j, const CompletionItem& in) {
  j = Json{{"label", in.label}, {"kind", in.kind}};
  if (!in.detail.empty()) j["detail"] = in.detail;
  if (in.documentation) j["documentation"] = *in.documentation;
  if (!in.insertText.empty()) j["insertText"] = in.insertText;
  if (!in.sortText.empty()) j["sortText"] = in.sortText;
}

void to_json(Json& j, const CompletionList& in) {
  j = Json{{"isIncomplete", in.isIncomplete}, {"items", in.items}};
}

void to_json(Json& j, const DocumentSymbol& in) {
  j = Json{{"name", in.name}, {"kind", in.kind}, {"range", in.range}, {"selectionRange", in.selectionRange}};
  if (!in.detail.empty()) j["detail"] = in.detail;
  if (!in.children.empty()) j["children"] = in.children;
}

void to_json(Json& j, const SymbolInformation& in) {
  j = Json{{"name", in.name}, {"kind", in.kind}, {"location", in.location}};
  if (!in.containerName.empty()) j["containerName"] = in.containerName;
}

void to_json(Json& j, const TextEdit& in) { j = Json{{"range", in.range}, {"newText", in.newText}}; }

void to_json(Json& j, const WorkspaceEdit& in) {
  j = Json{{"changes", Json::object()}};
  for (const auto& [uri, edits] : in.changes) j["changes"][uri] = edits;
}

void to_json(Json& j, const CodeAction& in) {
  j = Json{{"title", in.title}, {"kind", in.kind}, {"diagnostics", in.diagnostics}, {"edit", in.edit}};
  if (in.isPreferred) j["isPreferred"] = true;
}

void to_json(Json& j, const PrepareRenameResult& in) {
  j = Json{{"range", in.range}, {"placeholder", in.placeholder}};
}

}  // namespace flowc::lsp::proto
