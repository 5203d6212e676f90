#include "cli/commands.h"
#include "cli/load.h"

namespace flowc::cli {

int run_plan(const PlanOptions& options) {
  print_error("`flowc plan` is not built yet");
  return kExitUsage;
}

}  // namespace flowc::cli
