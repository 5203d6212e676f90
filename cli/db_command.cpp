#include "cli/commands.h"
#include "cli/load.h"

namespace flowc::cli {

int run_db_stop(const std::string& path) {
  print_error("`flowc db stop` is not built yet");
  return kExitUsage;
}

}  // namespace flowc::cli
