// E0313: a task that writes into the state schema. flowc keeps its run
// history there (`runs`, `task_runs`, `attempts`, `alerts`, ...), by default
// in the target's own database: a task writing `flow.alerts` in `replace`
// mode would swap flowc's table for its own, and `status`, `ops` and alert
// deduplication would fail for good, with nothing to say why.
#include "compiler/check/checker.h"
#include "compiler/check/output_schemas.h"
#include "compiler/source/ascii.h"

namespace flowc::check {

void Checker::check_state_schema_writes() {
  const std::string state = ascii_lower(model.project.state_schema);
  for (const model::Node& node : model.nodes) {
    if (node.kind == model::NodeKind::Source || node.table.empty() || !node.table_range.valid()) continue;
    const model::Workflow& wf = model.workflow(node.workflow);
    const model::Target* target = target_of(model, wf);
    for (const SchemaVariant& v :
         schema_variants(written_schema(node, target), target, wf.stage == model::Stage::Mirror)) {
      if (ascii_lower(v.schema) != state) continue;  // PostgreSQL folds unquoted names
      Diagnostic& d = diags.report(DiagKind::WritesStateSchema, node.table_range,
                                   "task `" + node.name + "` writes into schema `" + v.schema + "`" +
                                       (v.when.empty() ? "" : " (" + v.when + ")") +
                                       ", where flowc keeps its run history (`state_schema`): a run would "
                                       "write over flowc's own tables");
      d.helps.push_back(
          "write to a schema of your own, or keep run history elsewhere with `state_schema` in "
          "flow.project");
      break;
    }
  }
}

}  // namespace flowc::check
