// Renderers: the same Diagnostic data printed for people (rustc-style), for
// tools (json), for code scanning (SARIF 2.1.0) and for GitHub Actions
// (workflow-command annotations).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/source/source.h"

namespace flowc {

enum class DiagnosticFormat { Human, Json, Sarif, Github };

/// Parses "human", "json", "sarif", "github".
bool parse_diagnostic_format(std::string_view text, DiagnosticFormat& out);

struct RenderOptions {
  bool color = false;   // ANSI colour (callers decide: TTY and no NO_COLOR)
  bool summary = true;  // render_human's closing line; false when the caller sums several lists
};

/// rustc-style: `error[E0101]: msg`, ` --> file:line:col`, the source line,
/// a caret underline across the whole range, `= help:` / `= note:` lines, and a
/// final summary line ("error: 2 errors, 1 warning emitted") when any.
void render_human(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                  std::ostream& out, const RenderOptions& options = {});
/// render_human's closing line alone, for `errors` and `warnings` counted
/// over several lists (one per project); nothing when both are 0.
void render_human_summary(size_t errors, size_t warnings, std::ostream& out,
                          const RenderOptions& options = {});
/// One JSON array: code, severity, message, file, 1-based line/column start and
/// end, notes (with locations), helps, fix-its.
void render_json(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, std::ostream& out);
/// SARIF 2.1.0 with one rule per registered code.
void render_sarif(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, std::ostream& out);
/// `::error file=F,line=L,col=C,title=E0101::msg` per diagnostic.
void render_github(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, std::ostream& out);

/// `text` (a message, note, help, file name or doc comment) safe to print on
/// a terminal: control characters as Unicode control pictures (as in the
/// source lines of render_human), C1 controls and malformed UTF-8 as U+FFFD.
/// Messages quote source text: a raw escape sequence from it would drive the
/// terminal, a raw line break would make fake output lines. Control
/// characters in `kept` (a doc comment's line feeds) pass unchanged.
std::string printable(std::string_view text, std::string_view kept = {});

/// Dispatches on `format`.
void render(DiagnosticFormat format, const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
            std::ostream& out, const RenderOptions& options = {});

}  // namespace flowc
