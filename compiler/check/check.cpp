// STUB: replaced by the checker.
#include "compiler/check/check.h"

namespace flowc::check {
model::Model check(const CheckInput& input, DiagnosticEngine& diagnostics) { return {}; }
}  // namespace flowc::check
