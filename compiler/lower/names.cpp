// Physical table names and the other run-independent facts of the Context.
#include <fmt/format.h>

#include <filesystem>

#include "compiler/lower/context.h"
#include "compiler/plan/ds.h"
#include "compiler/spelling/table_names.h"

namespace flowc::lower {

namespace {

/// The schema suffix of environment `env` on `target`; "" for production or
/// when the target does not declare it (another workflow's target).
std::string env_suffix(const model::Target& target, const std::string& env) {
  if (env.empty()) return "";
  for (const model::Environment& e : target.environments) {
    if (e.name == env) return e.schema_suffix;
  }
  return "";
}

}  // namespace

plan::TableName split_table(const std::string& table, const std::string& default_schema) {
  size_t dot = table.find('.');
  if (dot == std::string::npos) return {default_schema, table};
  return {table.substr(0, dot), table.substr(dot + 1)};
}

std::string sql_type_of(model::TypeKind type) {
  using model::TypeKind;
  switch (type) {
    case TypeKind::Date: return "date";
    case TypeKind::Int: return "bigint";
    case TypeKind::Float: return "double precision";
    case TypeKind::Bool: return "boolean";
    case TypeKind::Time: return "time";
    case TypeKind::Timestamp: return "timestamptz";
    case TypeKind::Duration: return "interval";
    case TypeKind::Percent: return "double precision";
    default: return "text";
  }
}

std::string date_text(int64_t days) { return plan::ds_text(std::chrono::sys_days{std::chrono::days{days}}); }

std::string time_text(int64_t seconds) {
  return fmt::format("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

const ParamValue* Context::param(std::string_view name) const {
  for (const ParamValue& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

plan::TableName Context::production(model::TaskId id) const {
  const model::Node& node = model.node(id);
  const model::Workflow& owner = model.workflow(node.workflow);
  std::string schema = owner.target.valid() ? model.targets[owner.target.index].schema : "public";
  return split_table(node.table, schema);
}

plan::TableName Context::physical(model::TaskId id) const {
  plan::TableName table = production(id);
  const model::Node& node = model.node(id);
  if (node.kind == model::NodeKind::Source) return table;  // produced outside the project
  const model::Workflow& owner = model.workflow(node.workflow);
  if (owner.target.valid()) table.schema += env_suffix(model.targets[owner.target.index], options.env);
  // Only this run's own outputs move to the mirror schemas; other workflows'
  // outputs are read where they are published (language.md §14).
  if (mirror && node.workflow == workflow_id) table.schema += spelling::kMirrorSuffix;
  return table;
}

plan::Origin Context::origin(SourceRange range) const {
  plan::Origin out;
  if (!range.valid() || range.file.index >= sources.size()) return out;
  const SourceBuffer& buffer = sources.buffer(range.file);
  out.file = buffer.path();
  if (!options.root.empty()) {
    std::error_code ec;
    std::filesystem::path relative = std::filesystem::path(buffer.path()).lexically_relative(options.root);
    if (!relative.empty() && !relative.string().starts_with("..")) out.file = relative.string();
  }
  LineCol at = buffer.line_col(range.begin);
  out.line = at.line;
  out.column = at.column;
  return out;
}

std::string Context::text(SourceRange range) const {
  if (!range.valid() || range.file.index >= sources.size()) return "";
  std::string_view all = sources.buffer(range.file).text();
  if (range.begin > range.end || range.end > all.size()) return "";
  return std::string(all.substr(range.begin, range.end - range.begin));
}

}  // namespace flowc::lower
