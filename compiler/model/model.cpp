#include "compiler/model/model.h"

#include "compiler/sql/sql_words.h"

namespace flowc::model {

namespace {
std::string_view kind_name(TypeKind kind) {
  switch (kind) {
    case TypeKind::Error: return "unknown";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Float: return "float";
    case TypeKind::Percent: return "percent";
    case TypeKind::Duration: return "duration";
    case TypeKind::Date: return "date";
    case TypeKind::Time: return "time";
    case TypeKind::Timestamp: return "timestamp";
    case TypeKind::String: return "string";
    case TypeKind::Column: return "column";
    case TypeKind::Table: return "table";
    case TypeKind::Sql: return "sql";
    case TypeKind::Cron: return "cron";
    case TypeKind::Secret: return "secret";
    case TypeKind::Severity: return "severity";
    case TypeKind::List: return "list";
    case TypeKind::Metric: return "metric";
    case TypeKind::Expectation: return "expectation";
    case TypeKind::Task: return "task";
    case TypeKind::Source: return "source";
    case TypeKind::Route: return "route";
    case TypeKind::Target: return "target";
    case TypeKind::Legacy: return "legacy";
    case TypeKind::RetryPolicy: return "retry_policy";
    case TypeKind::WriteMode: return "write_mode";
    case TypeKind::Command: return "command";
    case TypeKind::Alert: return "alert";
    case TypeKind::Stage: return "stage";
    case TypeKind::Channel: return "channel";
    case TypeKind::Backoff: return "backoff";
    case TypeKind::Any: return "any";
    case TypeKind::RetryOn: return "retry_on";
    case TypeKind::Workflow: return "workflow";
  }
  return "?";
}
}  // namespace

std::string type_name(Type type) {
  std::string name(kind_name(type.kind));
  // An open argument (the element of `[]`, a metric of any value type) is
  // left out: `list`, `metric`.
  if ((type.kind == TypeKind::List || type.kind == TypeKind::Metric) && type.arg != TypeKind::Error) {
    name += "<";
    name += kind_name(type.arg);
    name += ">";
  }
  return name;
}

std::string table_key(std::string_view table, std::string_view default_schema) {
  return sql::fold_identifier(table.find('.') == std::string_view::npos
                                  ? std::string(default_schema) + "." + std::string(table)
                                  : std::string(table));
}

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::Model: return "model";
    case Stage::Mirror: return "mirror";
    case Stage::Production: return "production";
  }
  return "model";
}

std::string_view mode_name(WriteModeKind kind) {
  switch (kind) {
    case WriteModeKind::Replace: return "replace";
    case WriteModeKind::OverwritePartition: return "overwrite_partition";
    case WriteModeKind::Merge: return "merge";
    case WriteModeKind::Append: return "append";
    case WriteModeKind::None: return "none";
  }
  return "none";
}

WorkflowId Model::workflow_named(std::string_view name) const {
  for (uint32_t i = 0; i < workflows.size(); ++i)
    if (workflows[i].name == name) return WorkflowId{i};
  return {};
}

}  // namespace flowc::model
