#include "cli/commands.h"
#include "cli/load.h"

namespace flowc::cli {

int run_run(const RunOptions& options) {
  print_error("`flowc run` is not built yet");
  return kExitUsage;
}

}  // namespace flowc::cli
