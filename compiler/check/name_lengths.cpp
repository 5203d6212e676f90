// E0312: a name PostgreSQL would cut. PostgreSQL keeps the first 63 bytes of
// an identifier and drops the rest without an error, so a schema that an
// environment's suffix or a mirror run's `__mirror` makes longer than that
// is cut back to another schema: often the production one, which the run
// would then write. The same holds for the staging table a `replace`
// builds (`<name>__flow_new`, cut back to the output itself) and for a
// table or schema written too long to begin with.
#include <set>

#include "compiler/check/checker.h"
#include "compiler/check/output_schemas.h"
#include "compiler/spelling/table_names.h"

namespace flowc::check {

namespace {

/// PostgreSQL's identifier length (NAMEDATALEN - 1), in bytes.
constexpr size_t kMaxIdentifier = 63;

}  // namespace

void Checker::check_name_lengths() {
  std::set<std::string> reported;  // a long schema is said once, at its first output
  for (const model::Node& node : model.nodes) {
    if (node.table.empty() || !node.table_range.valid()) continue;
    const model::Workflow& wf = model.workflow(node.workflow);
    const model::Target* target = target_of(model, wf);
    const std::string schema = written_schema(node, target);
    size_t dot = node.table.find('.');
    std::string name = dot == std::string::npos ? node.table : node.table.substr(dot + 1);
    const bool source = node.kind == model::NodeKind::Source;
    const bool replace = !source && node.mode.kind == model::WriteModeKind::Replace;

    if (size_t room = kMaxIdentifier - (replace ? spelling::kStagingSuffix.size() : 0); name.size() > room) {
      Diagnostic& d = diags.report(
          DiagKind::NameTooLong, node.table_range,
          replace
              ? "table name `" + name + "` is " + std::to_string(name.size()) +
                    " bytes: the table a `replace` builds, `" + name + std::string(spelling::kStagingSuffix) +
                    "`, is over PostgreSQL's 63, which would cut it back to the output's own name"
              : "table name `" + name + "` is " + std::to_string(name.size()) +
                    " bytes: PostgreSQL cuts names to 63, so it would " + (source ? "read" : "write") +
                    " another table");
      d.helps.push_back("use a name of at most " + std::to_string(room) + " bytes");
    }
    // Sources are read where they are, in production.
    for (const SchemaVariant& v :
         schema_variants(schema, source ? nullptr : target, !source && wf.stage == model::Stage::Mirror)) {
      if (v.schema.size() <= kMaxIdentifier) continue;
      if (!reported.insert(v.schema).second) break;
      std::string cut = v.schema.substr(0, kMaxIdentifier);
      Diagnostic& d = diags.report(DiagKind::NameTooLong, node.table_range,
                                   "schema `" + v.schema + "`" + (v.when.empty() ? "" : " (" + v.when + ")") +
                                       " is " + std::to_string(v.schema.size()) +
                                       " bytes: PostgreSQL cuts names to 63, so the run would " +
                                       (source ? "read" : "write") + " schema `" + cut + "`" +
                                       (cut == schema ? ", the production one" : ""));
      d.helps.push_back("use a schema name of at most " +
                        std::to_string(kMaxIdentifier - (v.schema.size() - schema.size())) + " bytes" +
                        (v.when.empty() ? "" : " (room for the suffix)"));
      break;
    }
  }
}

}  // namespace flowc::check
