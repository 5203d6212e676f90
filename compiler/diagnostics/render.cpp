// STUB: replaced by the real renderers.
#include "compiler/diagnostics/render.h"

namespace flowc {
bool parse_diagnostic_format(std::string_view text, DiagnosticFormat& out) {
  if (text == "human") { out = DiagnosticFormat::Human; return true; }
  if (text == "json") { out = DiagnosticFormat::Json; return true; }
  if (text == "sarif") { out = DiagnosticFormat::Sarif; return true; }
  if (text == "github") { out = DiagnosticFormat::Github; return true; }
  return false;
}
void render_human(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources, std::ostream& out,
                  const RenderOptions& options) {
  for (const auto& d : diagnostics) out << severity_name(d.severity) << "[" << d.code() << "]: " << d.message << "\n";
}
void render_json(const std::vector<Diagnostic>&, const SourceManager&, std::ostream& out) { out << "[]\n"; }
void render_sarif(const std::vector<Diagnostic>&, const SourceManager&, std::ostream& out) { out << "{}\n"; }
void render_github(const std::vector<Diagnostic>&, const SourceManager&, std::ostream&) {}
void render(DiagnosticFormat format, const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
            std::ostream& out, const RenderOptions& options) {
  switch (format) {
    case DiagnosticFormat::Human: render_human(diagnostics, sources, out, options); break;
    case DiagnosticFormat::Json: render_json(diagnostics, sources, out); break;
    case DiagnosticFormat::Sarif: render_sarif(diagnostics, sources, out); break;
    case DiagnosticFormat::Github: render_github(diagnostics, sources, out); break;
  }
}
}  // namespace flowc
