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
  reserve();
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
  find_none_writes();
  check_writers();
  check_run_writers();
  check_hidden_dependencies();
  check_unused_outputs();
  check_query_writes();
  check_single_statements();
  check_none_transactions();
  check_positional_params();
  check_name_lengths();
  check_state_schema_writes();
  check_deadlines();
  check_schedules();
  check_rules();
  return std::move(model);
}

void Checker::reserve() {
  // Growing these vectors by doubling costs more than the checking itself on
  // a 10,000-task project (page faults): size them from the trees up front.
  size_t blocks = 0, exprs = 0, fns = 0;
  for (const syntax::SyntaxTree* t : trees) {
    blocks += t->blocks.size();
    exprs += t->exprs.size();
    fns += t->fns.size();
  }
  model.symbols.reserve(blocks + fns * 4 + 256);
  model.nodes.reserve(blocks);
  node_sites.reserve(blocks);
  node_blocks.reserve(blocks);
  model.terms.reserve(exprs + exprs / 4 + 1024);
  model.term_operands.reserve(exprs);
  model.references.reserve(exprs);
}

}  // namespace flowc::check
