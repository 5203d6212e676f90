// The human renderer, modelled on rustc. One diagnostic looks like this:
//
//   error[E0102]: duplicate task `orders`
//    --> a.flow:9:8
//     |
//   9 |   task orders {
//     |        ^^^^^^
//     |
//     = help: rename one of them
//   note: first defined here
//    --> a.flow:3:10
//     |
//   3 |   source orders {
//     |          ^^^^^^
//
// Layout decisions (golden tests compare this output byte for byte):
// - The gutter is as wide as the largest line number shown anywhere in the
//   diagnostic, so the primary snippet and every note snippet line up.
// - Carets cover the whole range, measured in display columns (tabs are four
//   spaces, wide characters two columns). A zero-width range gets one caret.
// - A range over several lines shows each of them with its covered part
//   underlined (leading indentation excluded); past three lines only the first
//   and the last are shown, with `...` between. A range that ends at the start
//   of a line does not show that line.
// - After the snippet, when anything follows it, an empty gutter line; then
//   `= note:` lines (notes without a location), `= help:` lines (helps, then
//   fix-its that have a title), then each note with a location as its own
//   `note:` block with arrow and snippet.
// - A diagnostic without a file prints its header and its `=` lines only.
// - No line ends in whitespace, so golden files survive editors that strip it.
// - A blank line follows every diagnostic; the summary line comes last.
#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/render.h"
#include "compiler/diagnostics/render_detail.h"
#include "compiler/dsn/withhold.h"

namespace flowc {
namespace {

using render_detail::Located;

enum class Tone { Error, Warning, Note, Gutter, Strong };

fmt::text_style style_of(Tone tone) {
  switch (tone) {
    case Tone::Error: return fmt::emphasis::bold | fmt::fg(fmt::terminal_color::bright_red);
    case Tone::Warning: return fmt::emphasis::bold | fmt::fg(fmt::terminal_color::bright_yellow);
    case Tone::Note: return fmt::emphasis::bold | fmt::fg(fmt::terminal_color::bright_green);
    case Tone::Gutter: return fmt::emphasis::bold | fmt::fg(fmt::terminal_color::bright_blue);
    case Tone::Strong: return fmt::text_style(fmt::emphasis::bold);
  }
  return {};
}

Tone tone_of(Severity severity) {
  switch (severity) {
    case Severity::Error: return Tone::Error;
    case Severity::Warning: return Tone::Warning;
    case Severity::Note: return Tone::Note;
  }
  return Tone::Error;
}

size_t digits(uint32_t n) { return std::to_string(n).size(); }

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One row of a snippet: a source line and which bytes of it to underline.
struct Row {
  uint32_t line = 0;  // 0 for the `...` row
  uint32_t from = 0;  // byte offsets within the line text
  uint32_t to = 0;
  bool underline = false;
};

// The lines `located` covers and the underlined part of each.
std::vector<Row> rows_of(const Located& located) {
  const SourceBuffer& buffer = *located.buffer;
  uint32_t first = located.start.line;
  uint32_t last = located.finish.line;
  auto last_to = located.finish.column - 1;
  if (last > first && located.finish.column == 1) {
    // The range ends with a line terminator: the next line is not part of it.
    --last;
    last_to = static_cast<uint32_t>(buffer.line_text(last).size());
  }
  // Past three lines only the first and the last are shown; building only
  // those keeps a range over a whole large file cheap.
  std::vector<uint32_t> lines;
  if (last - first + 1 > 3) {
    lines = {first, 0, last};
  } else {
    for (uint32_t line = first; line <= last; ++line) lines.push_back(line);
  }
  std::vector<Row> rows;
  for (uint32_t line : lines) {
    if (line == 0) {
      rows.push_back(Row{});  // the `...` row
      continue;
    }
    std::string_view text = buffer.line_text(line);
    auto size = static_cast<uint32_t>(text.size());
    Row row{line, 0, size, false};
    if (line == first) {
      row.from = std::min(located.start.column - 1, size);
    } else {
      size_t indent = text.find_first_not_of(" \t");
      row.from = indent == std::string_view::npos ? size : static_cast<uint32_t>(indent);
    }
    if (line == last) row.to = std::min(last_to, size);
    row.to = std::max(row.to, row.from);
    // The first line always gets a caret (zero-width ranges get exactly one);
    // later lines only where the range covers some text.
    row.underline = line == first || row.to > row.from;
    rows.push_back(row);
  }
  return rows;
}

uint32_t last_line_shown(const Located& located) {
  std::vector<Row> rows = rows_of(located);
  return rows.back().line;
}

class HumanWriter {
 public:
  HumanWriter(std::ostream& out, const SourceManager& sources, bool color)
      : out_(out), sources_(sources), color_(color) {}

  void diagnostic(const Diagnostic& d) {
    std::optional<Located> primary = render_detail::locate(d.range, sources_);
    std::vector<std::pair<const DiagNote*, Located>> located_notes;
    std::vector<const DiagNote*> plain_notes;
    for (const DiagNote& note : d.notes) {
      if (std::optional<Located> where = render_detail::locate(note.range, sources_)) {
        located_notes.emplace_back(&note, *where);
      } else {
        plain_notes.push_back(&note);
      }
    }
    uint32_t largest = primary ? last_line_shown(*primary) : 0;
    for (const auto& [note, where] : located_notes) largest = std::max(largest, last_line_shown(where));
    width_ = digits(largest);

    hidden_ = &d.hidden;
    Tone tone = tone_of(d.severity);
    out_ << paint(fmt::format("{}[{}]", severity_name(d.severity), d.code()), tone)
         << paint(fmt::format(": {}", printable(d.message)), Tone::Strong) << '\n';
    if (primary) snippet(*primary, tone);

    std::vector<std::pair<std::string_view, std::string>> trailer;
    trailer.reserve(plain_notes.size() + d.helps.size() + d.fixits.size());
    for (const DiagNote* note : plain_notes) trailer.emplace_back("note", printable(note->message));
    for (const std::string& help : d.helps) trailer.emplace_back("help", printable(help));
    for (const FixIt& fix : d.fixits) {
      if (!fix.title.empty()) trailer.emplace_back("help", printable(fix.title));
    }
    // rustc separates the snippet from whatever follows it with an empty gutter.
    if (!trailer.empty() || (primary && !located_notes.empty())) empty_gutter();
    for (const auto& [label, message] : trailer) equals_line(label, message);

    for (const auto& [note, where] : located_notes) {
      out_ << paint("note", Tone::Note) << ": " << printable(note->message) << '\n';
      snippet(where, Tone::Note);
    }
    out_ << '\n';
  }

  void summary(size_t errors, size_t warnings) {
    if (errors == 0 && warnings == 0) return;
    std::string counts;
    if (errors > 0) counts = fmt::format("{} error{}", errors, errors == 1 ? "" : "s");
    if (warnings > 0) {
      if (!counts.empty()) counts += ", ";
      counts += fmt::format("{} warning{}", warnings, warnings == 1 ? "" : "s");
    }
    Tone tone = errors > 0 ? Tone::Error : Tone::Warning;
    out_ << paint(errors > 0 ? "error" : "warning", tone)
         << paint(fmt::format(": {} emitted", counts), Tone::Strong) << '\n';
  }

 private:
  [[nodiscard]] std::string paint(std::string_view text, Tone tone) const {
    if (!color_) return std::string(text);
    return fmt::format(style_of(tone), "{}", text);
  }

  [[nodiscard]] std::string pad(size_t n) const { return std::string(n, ' '); }

  void empty_gutter() { out_ << pad(width_ + 1) << paint("|", Tone::Gutter) << '\n'; }

  // `= note: message` (printable: one line, whatever the message quotes).
  void equals_line(std::string_view label, std::string_view message) {
    out_ << pad(width_ + 1) << paint("=", Tone::Gutter) << ' ' << paint(label, Tone::Strong) << ':';
    std::string_view text = trim_right(message);
    if (!text.empty()) out_ << ' ' << text;
    out_ << '\n';
  }

  /// The line with each hidden text's bytes replaced by `*` one for one, so
  /// the columns of the underline stay where they were: the diagnostic's
  /// own, and any secret the line spells out (a password in a DSN or URL
  /// that another diagnostic on the same line, a misspelt or repeated
  /// attribute, shows), as the crontab import withholds them.
  std::string without_hidden(std::string_view line) const {
    std::string out = masked_line(line);
    for (const std::string& text : *hidden_) {
      if (text.empty()) continue;
      for (size_t at = out.find(text); at != std::string::npos; at = out.find(text, at + text.size()))
        out.replace(at, text.size(), std::string(text.size(), '*'));
    }
    return out;
  }

  /// The line with the secrets it spells out masked, byte for byte, its
  /// quotes kept: a `"` that closes a string is not part of a value
  /// (`password=x"`).
  static std::string masked_line(std::string_view line) {
    std::string out = dsn::mask_secrets(line);
    for (size_t i = 0; i < line.size() && i < out.size(); ++i)
      if (line[i] == '"') out[i] = '"';
    return out;
  }

  void snippet(const Located& where, Tone caret_tone) {
    out_ << pad(width_) << paint("-->", Tone::Gutter) << ' ' << printable(where.buffer->path()) << ':'
         << where.start.line << ':' << where.start.column << '\n';
    empty_gutter();
    for (const Row& row : rows_of(where)) {
      if (row.line == 0) {
        out_ << paint("...", Tone::Gutter) << '\n';
        continue;
      }
      std::string line = without_hidden(where.buffer->line_text(row.line));
      render_detail::DisplayLine display = render_detail::layout_line(line);
      std::string_view text = trim_right(display.text);
      out_ << paint(fmt::format("{:>{}} |", row.line, width_), Tone::Gutter);
      if (!text.empty()) out_ << ' ' << text;
      out_ << '\n';
      if (!row.underline) continue;
      uint32_t from = display.column_of[row.from];
      uint32_t to = display.column_of[row.to];
      uint32_t carets = std::max<uint32_t>(1, to - from);
      out_ << pad(width_ + 1) << paint("|", Tone::Gutter) << ' ' << pad(from)
           << paint(std::string(carets, '^'), caret_tone) << '\n';
    }
  }

  std::ostream& out_;
  const SourceManager& sources_;
  bool color_;
  size_t width_ = 1;
  const std::vector<std::string>* hidden_ = nullptr;  // the diagnostic's, while it renders
};

}  // namespace

void render_human(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, std::ostream& out,
                  const RenderOptions& options) {
  HumanWriter writer(out, sources, options.color);
  size_t errors = 0;
  size_t warnings = 0;
  for (const Diagnostic& d : diagnostics) {
    writer.diagnostic(d);
    errors += d.severity == Severity::Error ? 1 : 0;
    warnings += d.severity == Severity::Warning ? 1 : 0;
  }
  if (options.summary) writer.summary(errors, warnings);
}

void render_human_summary(size_t errors, size_t warnings, std::ostream& out, const RenderOptions& options) {
  SourceManager none;
  HumanWriter(out, none, options.color).summary(errors, warnings);
}

}  // namespace flowc
