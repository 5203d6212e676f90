// The entry point: one Checker per call, passes in the order of language.md:
// declarations (§1), functions and expressions (§3, §4), then the graph and
// project rules (§5).
#include "compiler/check/check.h"

#include "compiler/check/checker.h"

namespace flowc::check {

model::Model check(const CheckInput& input, DiagnosticEngine& diagnostics) {
  Checker checker(input, diagnostics);
  return checker.run();
}

model::Model Checker::run() {
  declare_builtins();
  for (uint32_t i = 0; i < trees.size(); ++i) declare_tree(i);
  check_functions();
  check_project();
  for (uint32_t i = 0; i < target_blocks.size(); ++i) check_target(i);
  for (uint32_t i = 0; i < route_blocks.size(); ++i) check_route(i);
  for (uint32_t i = 0; i < legacy_blocks.size(); ++i) check_legacy(i);
  for (uint32_t i = 0; i < workflow_blocks.size(); ++i) check_workflow(i);
  build_graph();
  check_cycles();
  check_writers();
  check_hidden_dependencies();
  check_unused_outputs();
  check_deadlines();
  check_rules();
  return std::move(model);
}

}  // namespace flowc::check
