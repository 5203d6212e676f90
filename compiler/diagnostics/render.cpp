// Format selection and dispatch; each renderer lives in render_<format>.cpp.
#include "compiler/diagnostics/render.h"

namespace flowc {

bool parse_diagnostic_format(std::string_view text, DiagnosticFormat& out) {
  if (text == "human") {
    out = DiagnosticFormat::Human;
  } else if (text == "json") {
    out = DiagnosticFormat::Json;
  } else if (text == "sarif") {
    out = DiagnosticFormat::Sarif;
  } else if (text == "github") {
    out = DiagnosticFormat::Github;
  } else {
    return false;
  }
  return true;
}

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
