// `flowc check --format github`: one GitHub Actions workflow command per
// diagnostic, which the runner turns into an annotation on the file, in the
// form cli.md gives:
//
//   ::error file=a.flow,line=3,col=9,title=E0101::unknown task `x`
//
// The column is 1-based in UTF-16 code units (the web view counts like
// that). The end of the range is not given (`endLine`, `endColumn`): the
// annotation marks where the diagnostic starts, which is what the contract
// names. Notes and helps follow the message on their own lines (`%0A`).
// Severities: error -> ::error, warning -> ::warning, note -> ::notice.
#include <fmt/format.h>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "compiler/diagnostics/render.h"
#include "compiler/diagnostics/render_detail.h"

namespace flowc {
namespace {

using render_detail::Located;

// The escaping of the runner's command parser: `%`, CR and LF everywhere;
// `:` and `,` too inside properties, where they delimit.
std::string escape(std::string_view text, bool property) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

const char* command_of(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "notice";
  }
  return "error";
}

}  // namespace

void render_github(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                   std::ostream& out) {
  for (const Diagnostic& d : diagnostics) {
    std::string properties;
    if (std::optional<Located> where = render_detail::locate(d.range, sources)) {
      // GitHub's escaping carries CR and LF, so the file property names the
      // real file; other control characters, which it has no escape for, are
      // shown as control pictures.
      properties =
          fmt::format("file={},line={},col={},", escape(printable(where->buffer->path(), "\r\n"), true),
                      where->start.line, where->start_utf16);
    }
    properties += "title=" + escape(d.code(), true);

    // Each part printable on its own (a line break it quotes is `␊`); the
    // parts are then one line each.
    std::string message = printable(d.message);
    for (const DiagNote& note : d.notes) {
      message += "\nnote: " + printable(note.message);
      if (std::optional<Located> where = render_detail::locate(note.range, sources)) {
        message += " (" + printable(render_detail::where_text(*where)) + ")";
      }
    }
    for (const std::string& help : d.helps) message += "\nhelp: " + printable(help);
    for (const FixIt& fix : d.fixits) {
      if (!fix.title.empty()) message += "\nhelp: " + printable(fix.title);
    }
    out << "::" << command_of(d.severity) << ' ' << properties << "::" << escape(message, false) << '\n';
  }
}

}  // namespace flowc
