// Workflows: their attributes (owner, target, schedule, alerts, the default
// retry and timeout of their tasks, ...), params, and then each source and
// task in declaration order.
#include <algorithm>

#include "compiler/check/checker.h"
#include "compiler/check/condition_name.h"
#include "compiler/check/literals.h"
#include "compiler/spelling/spelling.h"

namespace flowc::check {

using Kind = model::Term::Kind;

void Checker::check_workflow(uint32_t index) {
  Scope s{workflow_blocks[index].tree, WorkflowId{index}};
  const syntax::Block& block = tree(s.tree).block(workflow_blocks[index].block);
  check_members(s, block);
  Attrs attrs = collect_attributes(s, block);
  WorkflowSite& site = workflow_sites[index];
  auto value_range = [&](std::string_view name) {
    const syntax::Member* m = attr(s, attrs, name);
    return m != nullptr && m->value.valid() ? tree(s.tree).expr(m->value).range : SourceRange{};
  };
  model::Workflow& wf = model.workflows[index];
  TermId owner = attr_term(s, attrs, "owner");  // elaborated once: it reports
  wf.owner = string_value(owner);
  site.has_owner = attr(s, attrs, "owner") != nullptr;
  if (owner.valid() && term(owner).kind == Kind::String &&
      is_blank(wf.owner)) {
    site.blank_owner = term(owner).range;
  }
  wf.target = model.project.default_target;
  if (TermId target = attr_term(s, attrs, "target"); target.valid() && term(target).kind == Kind::Ref) {
    wf.target = model::TargetId{model.symbol(term(target).symbol).entity};
  } else if (!target.valid() && !wf.target.valid() && model.targets.size() > 1) {
    // With no target at all a run uses the private cluster; with several,
    // which one is meant is a guess flowc does not make.
    const std::string first = model.targets[0].name;
    Diagnostic& d = diags.report(DiagKind::BadAttribute, block.name.range,
                                 "workflow `" + wf.name + "` has no `target`, and the project has " +
                                     std::to_string(model.targets.size()) + " targets and no `default_target`");
    d.helps.push_back("add `target = " + first + "`, or `default_target = " + first + "` to the `project` block");
  }
  if (TermId schedule = attr_term(s, attrs, "schedule");
      schedule.valid() && term(schedule).kind == Kind::Call) {
    std::span<const TermId> args = operands(schedule);
    if (args.size() == 2) {
      wf.schedule = string_value(args[0]);
      wf.time_zone = string_value(args[1]);
    }
    site.schedule = value_range("schedule");
  }
  if (TermId deadline = attr_term(s, attrs, "deadline");
      deadline.valid() && term(deadline).kind == Kind::Time) {
    wf.deadline_seconds = term(deadline).int_value;
    site.deadline = term(deadline).range;
  }
  if (TermId concurrency = attr_term(s, attrs, "concurrency");
      concurrency.valid() && term(concurrency).kind == Kind::Int) {
    // Each task at once is an executor with its own thread and connections
    // (a PostgreSQL server allows 100 by default): the bound that `worker
    // --slots` and `run --concurrency` have too.
    if (auto n = within(concurrency, 1, model::kMaxConcurrency,
                        "`concurrency` must be from 1 to " + std::to_string(model::kMaxConcurrency) +
                            ": each task at once is an executor with its own database connections"))
      wf.concurrency = static_cast<uint32_t>(*n);
  }
  if (TermId replaces = attr_term(s, attrs, "replaces");
      replaces.valid() && term(replaces).kind == Kind::Ref) {
    uint32_t legacy = model.symbol(term(replaces).symbol).entity;
    wf.replaces = model::LegacyId{legacy};
    site.replaces = term(replaces).range;
    if (!model.legacies[legacy].replaced_by.valid()) model.legacies[legacy].replaced_by = WorkflowId{index};
  }
  if (TermId stage = attr_term(s, attrs, "stage"); stage.valid() && term(stage).kind == Kind::Enum) {
    wf.stage = static_cast<model::Stage>(term(stage).int_value);
  }
  if (TermId after = attr_term(s, attrs, "cutover_after"); after.valid() && term(after).kind == Kind::Int) {
    wf.cutover_after = static_cast<uint32_t>(std::clamp<int64_t>(term(after).int_value, 0, UINT32_MAX));
  }
  if (TermId alert = attr_term(s, attrs, "on_failure"); alert.valid() && term(alert).kind == Kind::Call) {
    wf.on_failure = to_alert(alert);
  }
  site.on_failure = value_range("on_failure");
  if (TermId alert = attr_term(s, attrs, "on_late"); alert.valid() && term(alert).kind == Kind::Call) {
    wf.on_late = to_alert(alert);
  }
  if (TermId alert = attr_term(s, attrs, "on_warning"); alert.valid() && term(alert).kind == Kind::Call) {
    wf.on_warning = to_alert(alert);
  }
  if (TermId retry = attr_term(s, attrs, "retry"); retry.valid() && term(retry).kind == Kind::Call) {
    site.retry_policy = to_retry(retry);
    site.retry = term(retry).range;
  }
  if (TermId timeout = attr_term(s, attrs, "timeout");
      timeout.valid() && term(timeout).kind == Kind::Duration) {
    site.timeout_seconds = within(timeout, 1, INT64_MAX, kTimeoutRule).value_or(0);
  }
  for (model::Param& param : model.workflows[index].params) {
    if (!param.default_value) continue;
    TermId value = elaborate(s, *param.default_value, param.type);
    std::string what = "the default of `" + param.name + "`";
    param.default_term = coerce(s, value, param.type, what) && names_no_param(value, what, true)
                             ? value
                             : error_term(term(value).range);
    check_default_interpolations(model.workflows[index], param);
  }
  for (TaskId node : model.workflows[index].nodes) check_node(node.index);
}

void Checker::check_default_interpolations(const model::Workflow& wf, const model::Param& param) {
  if (!param.default_term.valid() || term(param.default_term).kind != Kind::Template) return;
  const model::Term& t = term(param.default_term);
  if (t.int_value < 0 || static_cast<size_t>(t.int_value) >= model.templates.size()) return;
  // A default is worked out in declaration order, from the params before it.
  auto position = [&](const std::string& name) {
    for (size_t i = 0; i < wf.params.size(); ++i)
      if (wf.params[i].name == name) return i;
    return wf.params.size();
  };
  size_t own = position(param.name);
  for (const model::TemplatePart& part : model.templates[static_cast<size_t>(t.int_value)].parts) {
    using PartKind = model::TemplatePart::Kind;
    if (part.kind == PartKind::Text) continue;
    std::string name = part.kind == PartKind::Param  ? part.text
                       : part.kind == PartKind::Self ? "self"
                                                     : model.node(part.node).name;
    std::string why = part.kind != PartKind::Param ? "a task or source is not a value a default can hold"
                      : name == param.name         ? "a default cannot hold itself"
                                                   : "it is declared after `" + param.name + "`";
    if (part.kind == PartKind::Param && position(name) < own) continue;
    Diagnostic& d =
        diags.report(DiagKind::BadSqlReference, part.range,
                     "the default of `" + param.name + "` interpolates `${" + name + "}`: " + why);
    d.helps.push_back("a param's default may interpolate only the params declared before it");
  }
}

model::SqlTemplate Checker::to_template(const Scope& s, TermId id) const {
  const model::Term& t = term(id);
  if (t.kind == Kind::Template) return model.templates[static_cast<size_t>(t.int_value)];
  model::SqlTemplate out;
  out.file = tree(s.tree).file;
  out.range = t.range;
  if (t.kind == Kind::String) {
    model::TemplatePart part;
    part.text = t.text;
    part.range = t.range;
    out.parts.push_back(std::move(part));
  }
  return out;
}

void Checker::check_node(uint32_t index) {
  model::Node& node = model.nodes[index];
  Scope s{node_blocks[index].tree, node.workflow, TaskId{index}};
  const syntax::Block& block = tree(s.tree).block(node_blocks[index].block);
  check_members(s, block);
  Attrs attrs = collect_attributes(s, block);
  if (node.kind == model::NodeKind::Source) {
    check_source(s, attrs, node);
  } else {
    check_task(s, block, attrs, node);
  }
  check_expectations(s, block, node);
}

void Checker::check_source(const Scope& s, const Attrs& attrs, model::Node& node) {
  if (TermId table = attr_term(s, attrs, "table"); fixed_name(table, "table") && table.valid() &&
                                                   term(table).kind == Kind::String &&
                                                   table_name(table, "table")) {
    if (is_blank(term(table).text)) {
      // Every read of it would be `select ... from "public".""`, failing at run time.
      Diagnostic& d = diags.report(DiagKind::BadAttribute, term(table).range,
                                   "`table` of source `" + node.name + "` names no table");
      d.helps.push_back("write the table it reads: `table = \"schema.table\"`");
    } else {
      node.table = term(table).text;
      node.table_range = term(table).range;
    }
  }
  if (const syntax::Member* ready = attr(s, attrs, "ready")) {
    node.ready = ready->value;
    node.ready_term = attr_term(s, attrs, "ready");
    // As written (a project `fn` by its call), less what `flowc fmt` moves.
    const syntax::SyntaxTree& t = tree(s.tree);
    if (ready->value.valid())
      node.ready_text = condition_name(t, ready->value, text_of(t.expr(ready->value).range.file));
  }
  node.wait_seconds = 3600;
  node.poll_seconds = 60;
  if (TermId wait = attr_term(s, attrs, "wait"); wait.valid() && term(wait).kind == Kind::Duration) {
    node.wait_seconds = term(wait).int_value;
  }
  if (TermId poll = attr_term(s, attrs, "poll"); poll.valid() && term(poll).kind == Kind::Duration) {
    node.poll_seconds = within(poll, 1, INT64_MAX,
                               "`poll` must be at least 1s: each poll is a query against the source's database")
                            .value_or(node.poll_seconds);
  }
}

void Checker::check_expectations(const Scope& s, const syntax::Block& block, model::Node& node) {
  const syntax::SyntaxTree& t = tree(s.tree);
  bool reported_no_table = false;
  for (syntax::MemberId mid : block.members) {
    const syntax::Member& m = t.member(mid);
    if (m.kind != syntax::MemberKind::Expect) continue;
    model::Expectation e;
    e.range = m.range;
    e.warn = m.severity == syntax::ExpectSeverity::Warn;
    TermId condition = elaborate(s, m.value, scalar(TypeKind::Expectation));
    if (type_of(condition).kind == TypeKind::Bool) {
      Diagnostic& d = diags.report(DiagKind::TypeMismatch, term(condition).range,
                                   "`expect` expects `expectation`, found `bool`");
      d.helps.push_back("an expectation checks the data through a metric, as in `row_count() > 0`");
      condition = error_term(term(condition).range);
    } else if (!coerce(s, condition, scalar(TypeKind::Expectation), "`expect`")) {
      condition = error_term(term(condition).range);
    }
    e.term = condition;
    if (m.label.valid()) {
      TermId label = elaborate(s, m.label, scalar(TypeKind::String));
      coerce(s, label, scalar(TypeKind::String), "the `as` label");
      e.name = string_value(label);
      if (term(label).kind == Kind::String && is_blank(e.name)) {
        Diagnostic& d =
            diags.report(DiagKind::BadAttribute, term(label).range,
                         "an `as` label is empty: it names the expectation in every run's results "
                         "and in `change` history");
        d.helps.push_back("say what the check means, as in `as \"no negative revenue\"`, or leave `as` out");
      }
      // The label names the expectation in every run's results, and
      // `change < P%` finds the previous run's value by it: it cannot vary.
      if (term(label).kind == Kind::Template) {
        for (const model::TemplatePart& part : model.templates[static_cast<size_t>(term(label).int_value)].parts) {
          if (part.kind == model::TemplatePart::Kind::Text) continue;
          diags.report(DiagKind::TypeMismatch, part.range,
                       "an `as` label is a name, the same in every run: it cannot interpolate `${}`");
          break;
        }
      }
    } else if (m.value.valid()) {
      e.name = condition_name(t, m.value, text_of(t.expr(m.value).range.file));
    }
    // Results, `flowc status` and `change < P%`'s history find a check by
    // its history key: two of one key would read each other's values.
    const auto same = std::find_if(
        node.expectations.begin(), node.expectations.end(), [&](const model::Expectation& other) {
          return spelling::history_key(other.name) == spelling::history_key(e.name);
        });
    if (same != node.expectations.end() && !is_blank(e.name)) {
      // A line the parser could not read whole (`expect a > 0 && b < 5`,
      // E0002) is named by what it kept: the same name is no second mistake.
      SourceRange line = m.range;
      const std::string_view text = text_of(line.file);
      const size_t end = text.find('\n', line.end);
      line.end = static_cast<uint32_t>(end == std::string_view::npos ? text.size() : end);
      if (broken(line)) continue;
      const SourceRange at = m.label.valid() ? t.expr(m.label).range : m.range;
      Diagnostic& d = diags.report(DiagKind::DuplicateName, at,
                                   "the expectation `" + e.name + "` is already defined in `" + node.name +
                                       "`: its results and `change` history are kept by that name");
      d.notes.push_back({same->range, "first defined here"});
      d.helps.push_back(m.label.valid() ? "give one of them another `as` label"
                                        : "remove one, or tell them apart with `as \"...\"` labels");
      continue;
    }
    if (node.kind == model::NodeKind::Task && node.table.empty() && !reported_no_table) {
      Diagnostic& d =
          diags.report(DiagKind::BadAttribute, m.range,
                       "`expect` checks the task's table, but task `" + node.name + "` has no `writes`");
      d.helps.push_back(node.sql ? "add `writes = \"schema.table\"` naming the table its statements change"
                                 : "add `writes = \"schema.table\"`, or check the result inside the command");
      reported_no_table = true;
    }
    node.expectations.push_back(std::move(e));
  }
}

}  // namespace flowc::check
