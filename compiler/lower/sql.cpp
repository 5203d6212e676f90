// `${}` resolution: SQL text with quoted tables and bound parameters, and
// command arguments with values as text (language.md §7).
#include "compiler/lower/context.h"

namespace flowc::lower {

std::string ParamBinder::placeholder(const std::string& name) {
  const ParamValue* value = context_.param(name);
  std::string sql_type = value != nullptr ? value->sql_type : "text";
  size_t index = 0;
  while (index < params_.size() && params_[index].name != name) ++index;
  if (index == params_.size()) params_.push_back({name, sql_type, value != nullptr ? value->value : ""});
  return "$" + std::to_string(index + 1) + "::" + sql_type;
}

std::string resolve_sql(const Context& context, const model::SqlTemplate& sql, ParamBinder& binder,
                        const plan::TableName& self) {
  std::string out;
  for (const model::TemplatePart& part : sql.parts) {
    switch (part.kind) {
      case model::TemplatePart::Kind::Text: out += part.text; break;
      case model::TemplatePart::Kind::Table: out += context.physical(part.node).quoted(); break;
      case model::TemplatePart::Kind::Param: out += binder.placeholder(part.text); break;
      case model::TemplatePart::Kind::Self: out += self.quoted(); break;
    }
  }
  return out;
}

std::string resolve_argument(const Context& context, const model::SqlTemplate& arg,
                             const plan::TableName& self) {
  std::string out;
  for (const model::TemplatePart& part : arg.parts) {
    switch (part.kind) {
      case model::TemplatePart::Kind::Text: out += part.text; break;
      case model::TemplatePart::Kind::Table: out += context.physical(part.node).argument(); break;
      case model::TemplatePart::Kind::Param: {
        const ParamValue* value = context.param(part.text);
        if (value != nullptr) out += value->text;
        break;
      }
      case model::TemplatePart::Kind::Self: out += self.argument(); break;
    }
  }
  return out;
}

}  // namespace flowc::lower
