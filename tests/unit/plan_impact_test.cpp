// impact_of(): one task's Impact read from a hand-built ImpactGraph, in the
// order alerts and `flowc plan` list it, and never trusting its indexes.
#include <doctest/doctest.h>

#include "compiler/plan/plan.h"

using namespace flowc;

namespace {

using Names = std::vector<std::string>;

/// A diamond (a -> b, c -> d) whose c also feeds another workflow's e,
/// which feeds d back and the other workflow's f. Legacy job 0 writes e's
/// table, job 1 writes b's and d's.
plan::Plan diamond() {
  plan::Plan p;
  p.workflow = "wf";
  for (const char* name : {"a", "b", "c", "d"}) p.tasks.emplace_back().name = name;
  p.tasks[0].kind = plan::TaskKind::Source;
  p.tasks[1].deps = {0};
  p.tasks[2].deps = {0};
  p.tasks[3].deps = {1, 2};
  p.impact_graph.nodes = {
      {"a", "", false, {}, {1, 2}},  // a source: its table is not ours
      {"b", "s.b", false, {1}, {3}},
      {"c", "s.c", true, {}, {3, 4}},
      {"d", "dash.d", true, {1}, {5}},
      {"other.e", "o__mirror.e", false, {0}, {3, 5}},  // another workflow, in mirror stage
      {"other.f", "", false, {}, {}},                  // a command without `writes`
  };
  p.impact_graph.legacy_job_consumers = {{"Sheet", "Board"}, {"Board", "Exec deck"}};
  return p;
}

}  // namespace

TEST_CASE(
    "impact_of: this workflow's tasks in run order, then other workflows', tables and consumers once each") {
  plan::Plan p = diamond();
  // d is reached through other.e after other.e, yet listed first: run order.
  CHECK(plan::impact_of(p, 2) == plan::Impact{{"d", "other.e", "other.f"},
                                              {"s.c", "dash.d", "o__mirror.e"},
                                              {"s.c", "dash.d"},
                                              {"Sheet", "Board", "Exec deck"}});
  CHECK(plan::impact_of(p, 0) == plan::Impact{{"b", "c", "d", "other.e", "other.f"},
                                              {"s.b", "s.c", "dash.d", "o__mirror.e"},
                                              {"s.c", "dash.d"},
                                              {"Sheet", "Board", "Exec deck"}});
  // Its own output first; job 1 once though both b and d are its tables.
  CHECK(plan::impact_of(p, 1) ==
        plan::Impact{{"d", "other.f"}, {"s.b", "dash.d"}, {"dash.d"}, {"Board", "Exec deck"}});
  CHECK(plan::impact_of(p, 3) == plan::Impact{{"other.f"}, {"dash.d"}, {"dash.d"}, {"Board", "Exec deck"}});
  CHECK(plan::impact_of(p, 5) == plan::Impact{});
}

TEST_CASE("impact_of: no graph, a task beyond it or indexes out of range give what they can, never throw") {
  plan::Plan p = diamond();
  CHECK(plan::impact_of(p, 6) == plan::Impact{});
  p.impact_graph.nodes[1].dependents = {3, 99};
  p.impact_graph.nodes[1].legacy = {1, 7};
  CHECK(plan::impact_of(p, 1) ==
        plan::Impact{{"d", "other.f"}, {"s.b", "dash.d"}, {"dash.d"}, {"Board", "Exec deck"}});
  p.impact_graph = {};
  CHECK(plan::impact_of(p, 0) == plan::Impact{});
}
