// lower(): the workflow-level pieces of a Plan (params, order, routes,
// alerts, legacy job) and the assembly of tasks, impact and hash.
#include "compiler/lower/lower.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "compiler/lower/context.h"
#include "compiler/lower/impact.h"
#include "compiler/lower/metrics.h"
#include "compiler/plan/ds.h"
#include "compiler/plan/json.h"
#include "compiler/plan/text.h"
#include "compiler/source/source.h"
#include "compiler/spelling/spelling.h"
#include "compiler/syntax/literal.h"

namespace flowc::lower {

namespace {

const std::string* given_value(const LowerOptions& options, const std::string& name) {
  for (const auto& [key, value] : options.params) {
    if (key == name) return &value;
  }
  return nullptr;
}

const std::string* bound_value(const LowerOptions& options, const std::string& name) {
  for (const auto& [key, value] : options.bound) {
    if (key == name) return &value;
  }
  return nullptr;
}

/// Whether `hh`, `hhmm` or `hh:mm` is a UTC offset PostgreSQL takes (at most 15:59).
bool valid_offset(std::string_view offset) {
  // Two digits' value, or -1 when `two` is not two digits.
  auto number = [](std::string_view two) {
    bool digits = two.size() == 2 && std::isdigit(static_cast<unsigned char>(two[0])) &&
                  std::isdigit(static_cast<unsigned char>(two[1]));
    return digits ? (two[0] - '0') * 10 + (two[1] - '0') : -1;
  };
  const bool colon = offset.size() > 2 && offset[2] == ':';
  if (offset.size() != 2 && offset.size() != (colon ? 5u : 4u)) return false;
  const int hours = number(offset.substr(0, 2));
  const int minutes = offset.size() == 2 ? 0 : number(offset.substr(colon ? 3 : 2));
  return hours >= 0 && hours <= 15 && minutes >= 0 && minutes <= 59;
}

constexpr std::string_view kBigintMinMagnitude = "9223372036854775808";

/// Whether `text` is a whole number (an optional `-`, then digits): one a
/// bigint param refuses is out of its range.
bool whole_number(std::string_view text) {
  if (text.starts_with("-")) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The value a param of `type` binds for `text` given on the command line,
/// spelled as its literal would be in a `.flow` file (`5%`, `1h30m`,
/// `2026-11-24`); nullopt when it is not one. A timestamp is a date and a
/// time (`2026-11-24T07:00` or with a blank), with an optional offset; none
/// means UTC.
std::optional<std::string> given_param_value(model::TypeKind type, std::string_view text) {
  using model::TypeKind;
  using syntax::ExprKind;
  if (type == TypeKind::String) return std::string(text);
  if (type == TypeKind::Bool) {
    if (text == "true" || text == "false") return std::string(text);
    return std::nullopt;
  }
  if (type == TypeKind::Timestamp) {
    size_t split = text.find_first_of("T ");
    if (split == std::string_view::npos) return std::nullopt;
    std::string_view time = text.substr(split + 1);
    size_t offset = time.find_first_of("Z+-");
    std::string_view zone = offset == std::string_view::npos ? "" : time.substr(offset);
    time = time.substr(0, offset == std::string_view::npos ? time.size() : offset);
    if (text.empty() || text[0] == '-' || syntax::decode_number(text.substr(0, split)).kind != ExprKind::Date ||
        time.empty() || syntax::decode_number(time).kind != ExprKind::Time)
      return std::nullopt;
    if (!zone.empty() && zone != "Z" && !valid_offset(zone.substr(1))) return std::nullopt;
    return std::string(text) + (zone.empty() ? "+00" : "");
  }
  bool negative = text.starts_with("-") && (type == TypeKind::Int || type == TypeKind::Float);
  std::string_view body = negative ? text.substr(1) : text;
  // The one bigint whose magnitude is not one: the literal it negates would
  // be too large.
  if (type == TypeKind::Int && negative && body == kBigintMinMagnitude) return std::string(text);
  if (body.empty() || !std::isdigit(static_cast<unsigned char>(body[0]))) return std::nullopt;
  syntax::NumberValue v = syntax::decode_number(body);
  std::string sign = negative ? "-" : "";
  switch (type) {
    case TypeKind::Int:
      if (v.kind == ExprKind::Int) return sign + std::to_string(v.int_value);
      break;
    case TypeKind::Float:
      if (v.kind == ExprKind::Float) return sign + fmt::format("{}", v.float_value);
      if (v.kind == ExprKind::Int) return sign + std::to_string(v.int_value);
      break;
    case TypeKind::Percent:
      if (v.kind == ExprKind::Percent) return fmt::format("{}", v.float_value);
      break;
    case TypeKind::Duration:
      if (v.kind == ExprKind::Duration) return spelling::duration_text(v.int_value);
      break;
    case TypeKind::Date:
      if (v.kind == ExprKind::Date) return date_text(v.int_value);
      break;
    case TypeKind::Time:
      if (v.kind == ExprKind::Time) return time_text(v.int_value);
      break;
    default: break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> param_literal(model::TypeKind type, const std::string& bound) {
  // A percent binds its number of percent (`7` for `7%`).
  std::string literal = type == model::TypeKind::Percent ? bound + "%" : bound;
  if (given_param_value(type, literal) == bound) return literal;
  // A float bound with an exponent (`1e+20`), which `--param` does not
  // take: the shortest plain decimal that binds the same.
  double value = 0;
  auto [end, error] = std::from_chars(bound.data(), bound.data() + bound.size(), value);
  if (type != model::TypeKind::Float || error != std::errc() || end != bound.data() + bound.size())
    return std::nullopt;
  for (int digits = 0; digits <= 40; ++digits) {
    literal = fmt::format("{:.{}f}", value, digits);
    if (given_param_value(type, literal) == bound) return literal;
  }
  return std::nullopt;
}

namespace {

/// How a value of `type` is written, for a message about one that is not.
std::string_view spelling_of(model::TypeKind type) {
  using model::TypeKind;
  switch (type) {
    case TypeKind::Bool: return "true or false";
    case TypeKind::Int: return "a whole number such as 42";
    case TypeKind::Float: return "a number such as 0.25";
    case TypeKind::Percent: return "a percentage such as 5%";
    case TypeKind::Duration: return "a duration such as 1h30m";
    case TypeKind::Date: return "a date such as 2026-11-24";
    case TypeKind::Time: return "a time of day such as 07:00";
    case TypeKind::Timestamp: return "a date and time such as 2026-11-24T07:00 (UTC unless an offset follows)";
    default: return "text";
  }
}

/// A string default with `${}`: its text, with the values of the params
/// declared before it.
std::string default_text(const model::SqlTemplate& text, const std::vector<ParamValue>& earlier) {
  std::string out;
  for (const model::TemplatePart& part : text.parts) {
    if (part.kind == model::TemplatePart::Kind::Text) out += part.text;
    if (part.kind != model::TemplatePart::Kind::Param) continue;
    for (const ParamValue& value : earlier)
      if (value.name == part.text) out += value.text;
  }
  return out;
}

/// The value of each param for this run: `ds` and `logical_date` defaults
/// from the options, a value given by name, else the default literal. A
/// secret param is not among them: it is never bound (E0203), only passed
/// to a command's environment by name.
std::vector<ParamValue> param_values(const model::Model& model, const model::Workflow& workflow,
                                     const LowerOptions& options) {
  std::vector<ParamValue> out;
  for (const model::Param& param : workflow.params) {
    if (param.type.kind == model::TypeKind::Secret) continue;
    ParamValue p;
    p.name = param.name;
    p.type = param.type.kind;
    p.sql_type = sql_type_of(p.type);
    if (param.name == "ds") {
      p.value = options.ds;
    } else if (const std::string* given = given_value(options, param.name)) {
      p.value = given_param_value(p.type, *given).value_or(*given);  // check_options refused the others
    } else if (const std::string* bound = bound_value(options, param.name)) {
      p.value = *bound;
    } else if (param.default_term.valid()) {
      const model::Term& t = model.term(param.default_term);
      using Kind = model::Term::Kind;
      switch (t.kind) {
        case Kind::Call: p.value = t.text == "logical_date" ? options.ds : t.text; break;
        case Kind::Bool: p.value = t.int_value != 0 ? "true" : "false"; break;
        case Kind::Int: p.value = std::to_string(t.int_value); break;
        case Kind::Float:
        case Kind::Percent: p.value = fmt::format("{}", t.float_value); break;
        case Kind::Duration:
          p.value = spelling::duration_text(t.int_value);
          break;  // PostgreSQL reads `1h30m`
        case Kind::Date: p.value = date_text(t.int_value); break;
        case Kind::Time: p.value = time_text(t.int_value); break;
        case Kind::Template:
          if (t.int_value >= 0 && static_cast<size_t>(t.int_value) < model.templates.size())
            p.value = default_text(model.templates[t.int_value], out);
          break;
        default: p.value = t.text; break;
      }
    }
    p.text = p.value;
    out.push_back(std::move(p));
  }
  return out;
}

/// Deps first; among tasks whose deps are all placed, the earliest declared.
std::vector<model::TaskId> topological_order(const model::Model& model, const model::Workflow& workflow,
                                             model::WorkflowId workflow_id) {
  std::vector<model::TaskId> order;
  std::vector<bool> placed(model.nodes.size(), false);
  auto ready = [&](model::TaskId id) {
    for (model::TaskId dep : model.node(id).deps) {
      if (model.node(dep).workflow == workflow_id && !placed[dep.index]) return false;
    }
    return true;
  };
  while (order.size() < workflow.nodes.size()) {
    bool progress = false;
    for (model::TaskId id : workflow.nodes) {
      if (placed[id.index] || !ready(id)) continue;
      placed[id.index] = true;
      order.push_back(id);
      progress = true;
      break;
    }
    if (progress) continue;
    // A cycle (E0301) never reaches lowering; keep the rest in declaration order.
    for (model::TaskId id : workflow.nodes) {
      if (!placed[id.index]) order.push_back(id);
      placed[id.index] = true;
    }
  }
  return order;
}

plan::Severity severity(model::SeverityLevel level) { return static_cast<plan::Severity>(level); }

plan::Route lower_route(const model::Route& route) {
  plan::Route out;
  out.name = route.name;
  out.owner = route.owner;
  out.min_severity = severity(route.min_severity);
  out.repeat_seconds = route.repeat_seconds;
  for (const model::Channel& channel : route.channels) {
    plan::Channel c;
    c.kind = static_cast<plan::Channel::Kind>(channel.kind);
    // A secret url is kept only as the name of its variable ("env:NAME").
    if (channel.kind == model::Channel::Kind::Webhook && !channel.args.empty() &&
        channel.args[0].starts_with("env:")) {
      c.secret_env = channel.args[0].substr(4);
    } else {
      c.args = channel.args;
    }
    c.env_secrets = channel.env;
    out.channels.push_back(std::move(c));
  }
  return out;
}

void lower_alerts(const model::Model& model, const model::Workflow& workflow, plan::Plan& plan) {
  auto lower_one = [&](const std::optional<model::AlertSpec>& spec) -> std::optional<plan::AlertSpec> {
    if (!spec || !spec->route.valid()) return std::nullopt;
    const model::Route& route = model.routes[spec->route.index];
    auto it = std::find_if(plan.routes.begin(), plan.routes.end(),
                           [&](const plan::Route& r) { return r.name == route.name; });
    if (it == plan.routes.end()) {
      plan.routes.push_back(lower_route(route));
      it = plan.routes.end() - 1;
    }
    return plan::AlertSpec{static_cast<uint32_t>(it - plan.routes.begin()), severity(spec->severity)};
  };
  plan.on_failure = lower_one(workflow.on_failure);
  plan.on_late = lower_one(workflow.on_late);
  plan.on_warning = lower_one(workflow.on_warning);
}

}  // namespace

std::string check_options(const model::Model& model, model::WorkflowId workflow_id,
                          const LowerOptions& options) {
  const model::Workflow& workflow = model.workflow(workflow_id);
  if (!plan::parse_ds(options.ds)) {
    return fmt::format("--ds `{}` is not a date: write YYYY-MM-DD, such as 2026-11-24", options.ds);
  }
  if (!options.env.empty()) {
    const model::Target* target = workflow.target.valid() ? &model.targets[workflow.target.index] : nullptr;
    std::vector<std::string> names;
    if (target != nullptr) {
      for (const model::Environment& e : target->environments) names.push_back(e.name);
    }
    if (target == nullptr)
      return fmt::format(
          "no environment `{}`: workflow `{}` has no target (no `target = ...`, and no `default_target` in "
          "flow.project), so it runs only in production: declare a target with an `environment {} {{ ... }}` "
          "block",
          options.env, workflow.name, options.env);
    if (std::find(names.begin(), names.end(), options.env) == names.end()) {
      std::string target_name = target->name;
      if (names.empty()) {
        return fmt::format(
            "no environment `{}`: target `{}` declares no environments (only production, "
            "the default)",
            options.env, target_name);
      }
      return fmt::format("no environment `{}` on target `{}` (it has: {}, and production, the default)",
                         options.env, target_name, fmt::join(names, ", "));
    }
  }
  for (const auto& [name, text] : options.params) {
    // `given` and not `name` in the lambda: clang 14 (the fuzz build) cannot
    // capture a structured binding.
    const std::string& given = name;
    auto param = std::find_if(workflow.params.begin(), workflow.params.end(),
                              [&](const model::Param& p) { return p.name == given; });
    if (param == workflow.params.end()) {
      std::vector<std::string> names;
      for (const model::Param& p : workflow.params)
        if (p.name != "ds")
          names.push_back(p.type.kind == model::TypeKind::Secret ? p.name + " (a secret: from its env(...))"
                                                                 : p.name);
      return fmt::format("--param {}: workflow `{}` has no param `{}`{}", escape_invalid_utf8(name),
                         workflow.name, escape_invalid_utf8(name),
                         !names.empty() ? fmt::format(" (it has: {})", fmt::join(names, ", "))
                         : std::any_of(workflow.params.begin(), workflow.params.end(),
                                       [](const model::Param& p) { return p.name == "ds"; })
                             ? std::string(" (its only param is `ds`, the logical date)")
                             : std::string(" (it has none)"));
    }
    if (name == "ds") return "--param ds: give the logical date with --ds";
    if (given_value(options, name) != &text)
      return fmt::format("--param {} given more than once: give it once", name);
    if (param->type.kind == model::TypeKind::Secret)
      return fmt::format("--param {}: a secret param comes from its env(...), never from the command line", name);
    uint32_t bad = 0;
    if (!is_valid_utf8(text, bad))
      return fmt::format("--param {}: `{}` is not UTF-8 text (byte {})", name, escape_invalid_utf8(text), bad + 1);
    if (!given_param_value(param->type.kind, text) && param->type.kind == model::TypeKind::Int &&
        whole_number(text))
      return fmt::format(
          "--param {}: `{}` is out of range: an int is -9223372036854775808 to 9223372036854775807", name,
          text);
    if (!given_param_value(param->type.kind, text))
      return fmt::format("--param {}: `{}` is not {}", name, text, spelling_of(param->type.kind));
  }
  for (const model::Param& param : workflow.params) {
    if (param.name == "ds" || param.default_term.valid() || given_value(options, param.name) != nullptr ||
        bound_value(options, param.name) != nullptr) {
      continue;
    }
    return fmt::format("param `{}` of workflow `{}` has no default: give its value with --param {}=VALUE",
                       param.name, workflow.name, param.name);
  }
  return "";
}

plan::Plan lower(const model::Model& model, model::WorkflowId workflow_id, const LowerOptions& options,
                 const SourceManager& sources) {
  const model::Workflow& workflow = model.workflow(workflow_id);
  Context context{model, workflow_id, workflow, options, sources, false, {}, 3600, 60, {}};
  context.mirror = workflow.stage == model::Stage::Mirror;
  context.params = param_values(model, workflow, options);
  // The longest source wait bounds waits on other workflows (language.md §6).
  int64_t longest_wait = 0;
  for (model::TaskId id : workflow.nodes) {
    const model::Node& node = model.node(id);
    if (node.kind == model::NodeKind::Source) longest_wait = std::max(longest_wait, node.wait_seconds);
  }
  if (longest_wait > 0) context.external_wait_seconds = longest_wait;
  context.dependents = node_dependents(model);

  plan::Plan plan;
  plan.project = model.project.name;
  plan.workflow = workflow.name;
  plan.owner = workflow.owner;
  plan.ds = options.ds;
  plan.env = options.env;
  plan.stage = static_cast<plan::Stage>(workflow.stage);
  plan.state_schema = model.project.state_schema;
  if (workflow.target.valid()) {
    const model::Target& target = model.targets[workflow.target.index];
    plan.target = target.name;
    plan.target_dsn_env = target.dsn_env;
    plan.target_dsn = target.dsn;
  }
  plan.concurrency = workflow.concurrency;
  plan.deadline_seconds = workflow.deadline_seconds;
  plan.time_zone = workflow.time_zone;
  plan.schedule = workflow.schedule;
  for (const ParamValue& p : context.params) plan.params.push_back({p.name, p.sql_type, p.value});

  std::vector<model::TaskId> order = topological_order(model, workflow, workflow_id);
  std::vector<uint32_t> plan_index(model.nodes.size(), UINT32_MAX);
  for (uint32_t i = 0; i < order.size(); ++i) plan_index[order[i].index] = i;
  for (model::TaskId id : order) plan.tasks.push_back(lower_task(context, id, plan_index));
  plan.impact_graph = lower_impact_graph(context, order);

  lower_alerts(model, workflow, plan);
  if (workflow.replaces.valid()) {
    const model::Legacy& legacy = model.legacies[workflow.replaces.index];
    plan.replaces = plan::LegacyJob{legacy.name,      legacy.owner,    legacy.writes,
                                    legacy.consumers, legacy.rollback, legacy.enabled};
  }
  plan.cutover_after = workflow.cutover_after;
  plan.hash = plan::plan_hash(plan);
  return plan;
}

}  // namespace flowc::lower
