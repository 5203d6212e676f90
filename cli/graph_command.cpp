#include "cli/commands.h"
#include "cli/load.h"

namespace flowc::cli {

int run_graph(const GraphOptions& options) {
  print_error("`flowc graph` is not built yet");
  return kExitUsage;
}

}  // namespace flowc::cli
