// `flowc check --format json`: one array, one object per diagnostic, keys in a
// fixed order. Lines and columns are 1-based; `column`/`end_column` count
// bytes (they match the human `-->` lines), `utf16.column`/`utf16.end_column`
// count UTF-16 code units (what editors and the LSP use). Ends are exclusive:
// `end_column` is the column just after the last character of the range. A
// diagnostic or note without a location has `null` position fields.
#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>

#include "compiler/diagnostics/render.h"
#include "compiler/diagnostics/render_detail.h"

namespace flowc {
namespace {

using Json = nlohmann::ordered_json;
using render_detail::Located;

// Sets file, line, column, end_line, end_column (all null when `where` is empty).
void put_position(Json& object, const std::optional<Located>& where) {
  if (!where) {
    for (const char* key : {"file", "line", "column", "end_line", "end_column"}) object[key] = nullptr;
    return;
  }
  object["file"] = where->buffer->path();
  object["line"] = where->start.line;
  object["column"] = where->start.column;
  object["end_line"] = where->finish.line;
  object["end_column"] = where->finish.column;
}

Json diagnostic_json(const Diagnostic& d, const SourceManager& sources) {
  Json object = Json::object();
  object["code"] = d.code();
  object["severity"] = severity_name(d.severity);
  object["message"] = d.message;
  std::optional<Located> where = render_detail::locate(d.range, sources);
  put_position(object, where);
  if (where) {
    object["utf16"] = Json{{"column", where->start_utf16}, {"end_column", where->finish_utf16}};
  } else {
    object["utf16"] = nullptr;
  }
  Json notes = Json::array();
  for (const DiagNote& note : d.notes) {
    Json item = Json::object();
    item["message"] = note.message;
    put_position(item, render_detail::locate(note.range, sources));
    notes.push_back(std::move(item));
  }
  object["notes"] = std::move(notes);
  Json helps = Json::array();
  for (const std::string& help : d.helps) helps.push_back(help);
  object["helps"] = std::move(helps);
  Json fixits = Json::array();
  for (const FixIt& fix : d.fixits) {
    Json item = Json::object();
    put_position(item, render_detail::locate(fix.range, sources));
    item["replacement"] = fix.replacement;
    item["title"] = fix.title;
    fixits.push_back(std::move(item));
  }
  object["fixits"] = std::move(fixits);
  return object;
}

}  // namespace

void render_json(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                 std::ostream& out) {
  Json array = Json::array();
  for (const Diagnostic& d : diagnostics) array.push_back(diagnostic_json(d, sources));
  // Messages may quote source text that is not valid UTF-8 (E0006): replace
  // bad bytes with U+FFFD rather than throw.
  out << array.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace flowc
