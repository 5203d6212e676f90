// `flowc plan`: the execution plan exactly as the runtime will run it,
// for people (human) or for tools (json, the form the runtime stores).
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/plan_load.h"
#include "compiler/plan/json.h"
#include "compiler/plan/render.h"

namespace flowc::cli {

int run_plan(const PlanOptions& options) {
  if (!is_human_or_json(options.format)) return kExitUsage;
  int exit_code = kExitOk;
  std::optional<LoadedPlan> loaded = load_plan(options.selection, exit_code);
  if (!loaded) return exit_code;
  if (options.format == "json") {
    std::cout << plan::to_json(loaded->plan).dump(2) << "\n";
  } else {
    std::ostringstream text;
    plan::render_human(loaded->plan, text);
    print_human(text.str());
  }
  return kExitOk;
}

}  // namespace flowc::cli
