// Tasks: exactly one of `sql` and `run`, the table they write and how
// (`mode`), explicit order (`after`), and the effective retry, timeout and
// idempotence (the task's own, or the workflow's defaults).
#include <algorithm>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"

namespace flowc::check {

using Kind = model::Term::Kind;

model::WriteMode Checker::to_write_mode(TermId id) const {
  model::WriteMode mode;
  const model::Term& t = term(id);
  mode.range = t.range;
  std::span<const TermId> args = operands(id);
  if (t.kind == Kind::Enum) {
    mode.kind = static_cast<model::WriteModeKind>(t.int_value);
  } else if (t.kind == Kind::Call && t.text == "overwrite_partition" && args.size() == 1) {
    mode.kind = model::WriteModeKind::OverwritePartition;
    mode.partition_column = term(args[0]).text;
  } else if (t.kind == Kind::Call && t.text == "merge" && args.size() == 1) {
    mode.kind = model::WriteModeKind::Merge;
    for (TermId key : operands(args[0])) mode.merge_key.push_back(term(key).text);
  }
  return mode;
}

void Checker::check_task(const Scope& s, const syntax::Block& block, const Attrs& attrs, model::Node& node) {
  NodeSite& site = node_sites[s.node.index];
  const WorkflowSite& wf = workflow_sites[node.workflow.index];
  const syntax::Member* sql_member = attr(s, attrs, "sql");
  const syntax::Member* run_member = attr(s, attrs, "run");
  SourceRange name_range = block.name.range;
  if (sql_member != nullptr && run_member != nullptr) {
    Diagnostic& d =
        diags.report(DiagKind::BadAttribute, run_member->name.range,
                     "task `" + node.name + "` has both `sql` and `run`: a task has exactly one of them");
    d.notes.push_back({sql_member->name.range, "`sql` is set here"});
  } else if (sql_member == nullptr && run_member == nullptr && !broken(block.range)) {
    Diagnostic& d = diags.report(DiagKind::BadAttribute, name_range,
                                 "task `" + node.name + "` is missing the required attribute `sql` or `run`");
    d.helps.push_back("add `sql = \"\"\"select ...\"\"\"` or `run = command([...])`");
  }
  // A `writes` already reported (of the wrong type, a secret, blank or not a
  // table name) is not reported again as missing.
  bool bad_writes = false;
  if (TermId writes = attr_term(s, attrs, "writes"); writes.valid() && term(writes).kind != Kind::String) {
    fixed_name(writes, "writes");
    bad_writes = true;
  } else if (writes.valid() && !table_name(writes, "writes")) {
    bad_writes = true;
  } else if (writes.valid()) {
    node.table = term(writes).text;
    node.table_range = term(writes).range;
    site.writes = term(writes).range;
    if (is_blank(node.table)) {
      bad_writes = true;
      Diagnostic& d = diags.report(DiagKind::BadAttribute, term(writes).range,
                                   "`writes` of task `" + node.name + "` names no table");
      d.helps.push_back("write `writes = \"schema.table\"`, or drop it and say `mode = none`");
    }
  }
  bool command = run_member != nullptr && sql_member == nullptr;
  node.mode.kind = command ? model::WriteModeKind::None : model::WriteModeKind::Replace;
  if (TermId mode = attr_term(s, attrs, "mode"); mode.valid() && term(mode).kind != Kind::Error) {
    node.mode = to_write_mode(mode);
    site.mode = term(mode).range;
    if (command && node.mode.kind != model::WriteModeKind::None) {
      Diagnostic& d = diags.report(DiagKind::TypeMismatch, term(mode).range,
                                   "a command task does its own writing: its `mode` is `none`");
      d.fixits.push_back({term(mode).range, "none", "write `none`"});
      node.mode.kind = model::WriteModeKind::None;
    }
  }
  if (!command && sql_member != nullptr && node.table.empty() && !bad_writes &&
      node.mode.kind != model::WriteModeKind::None && !broken(block.range)) {
    Diagnostic& d = diags.report(DiagKind::BadAttribute, name_range,
                                 "task `" + node.name + "` is missing the required attribute `writes`");
    d.helps.push_back("a SQL task writes a table (`writes = \"schema.table\"`) unless its `mode` is `none`");
  }
  if (sql_member != nullptr) {
    if (TermId sql = attr_term(s, attrs, "sql"); sql.valid() && term(sql).kind != Kind::Error) {
      node.sql = to_template(s, sql);
      // Nothing to run: PostgreSQL would fail every attempt with a syntax
      // error "at end of input", or (mode none) run nothing and succeed.
      const std::vector<model::TemplatePart>& parts = node.sql->parts;
      bool blank = std::all_of(parts.begin(), parts.end(), [](const model::TemplatePart& p) {
        return p.kind == model::TemplatePart::Kind::Text && is_blank(p.text);
      });
      if (blank) {
        Diagnostic& d = diags.report(DiagKind::BadAttribute, term(sql).range,
                                     "`sql` of task `" + node.name + "` is empty");
        d.helps.push_back("write the select the task runs, as in `sql = \"select ... from ${source}\"`");
      }
    }
  }
  if (run_member != nullptr) {
    TermId run = attr_term(s, attrs, "run");
    site.run = run_member->name.range;
    std::span<const TermId> args = run.valid() ? operands(run) : std::span<const TermId>{};
    if (run.valid() && term(run).kind == Kind::Call && args.size() == 2) {
      for (TermId arg : operands(args[0])) node.command.push_back(to_template(s, arg));
      for (TermId secret : operands(args[1])) {
        // `env("NAME")`, or a secret param whose value is one.
        TermId value = secret;
        if (const model::Term& ref = term(secret); ref.kind == Kind::Ref && ref.symbol.valid()) {
          const model::Symbol& sym = model.symbol(ref.symbol);
          if (sym.kind == model::SymbolKind::Param && sym.workflow.valid())
            value = model.workflows[sym.workflow.index].params[sym.entity].default_term;
        }
        if (!value.valid()) continue;
        std::span<const TermId> name = operands(value);
        if (term(value).kind == Kind::Call && term(value).text == "env" && name.size() == 1)
          node.command_env.push_back(term(name[0]).text);
      }
    }
  }
  if (TermId after = attr_term(s, attrs, "after"); after.valid() && term(after).kind == Kind::List) {
    for (TermId item : operands(after)) {
      const model::Term& t = term(item);
      if (t.kind != Kind::Ref || !t.symbol.valid()) continue;
      TaskId dep{model.symbol(t.symbol).entity};
      node.after.push_back(dep);
      site.edges.push_back({dep, t.range, false});
    }
  }
  node.timeout_seconds = wf.timeout_seconds;
  if (TermId timeout = attr_term(s, attrs, "timeout");
      timeout.valid() && term(timeout).kind == Kind::Duration) {
    node.timeout_seconds = within(timeout, 1, INT64_MAX, kTimeoutRule).value_or(node.timeout_seconds);
  }
  node.retry = wf.retry_policy;
  if (TermId retry = attr_term(s, attrs, "retry"); retry.valid() && term(retry).kind == Kind::Call) {
    node.retry = to_retry(retry);
    site.retry = term(retry).range;
    site.own_retry = true;
  }
  if (TermId publish = attr_term(s, attrs, "publish"); publish.valid()) {
    node.publish = term(publish).kind == Kind::Bool && term(publish).int_value != 0;
    site.publish = attr(s, attrs, "publish")->range;
    site.publish_invalid = term(publish).kind != Kind::Bool;
    // What is published is the table the task writes: without one there
    // is nothing for consumers, nor for E0307's expectation to guard.
    if (node.publish && node.table.empty() && !bad_writes) {
      Diagnostic& d = diags.report(
          DiagKind::BadAttribute, site.publish,
          "`publish` marks the table a task writes, but task `" + node.name + "` has no `writes`");
      d.helps.push_back("add `writes = \"schema.table\"` naming its output, or drop `publish`");
    }
  }
  bool declared_idempotent = false;
  const TermId idem = attr_term(s, attrs, "idempotent");  // elaborated once: it reports
  if (idem.valid() && term(idem).kind == Kind::Bool) declared_idempotent = term(idem).int_value != 0;
  check_idempotent_for_mode(idem, node.mode.kind);
  switch (node.mode.kind) {
    case model::WriteModeKind::Replace:
    case model::WriteModeKind::OverwritePartition:
    case model::WriteModeKind::Merge: node.idempotent = true; break;
    case model::WriteModeKind::Append: node.idempotent = false; break;
    case model::WriteModeKind::None: node.idempotent = declared_idempotent; break;
  }
  if (const syntax::Member* compare = attr(s, attrs, "compare")) {
    TermId list = attr_term(s, attrs, "compare");
    if (list.valid() && term(list).kind == Kind::List && compare->value.valid()) {
      for (TermId item : operands(list)) node.compare_terms.push_back(item);
    }
  }
  check_compare_ignore(s, attrs, node);
}

void Checker::check_compare_ignore(const Scope& s, const Attrs& attrs, model::Node& node) {
  TermId list = attr_term(s, attrs, "compare_ignore");
  if (!list.valid() || term(list).kind != Kind::List) return;
  for (TermId item : operands(list)) {
    const model::Term& column = term(item);
    if (column.kind != Kind::String) continue;  // E0201, reported where the list is typed
    const auto& key = node.mode.merge_key;
    if (is_blank(column.text)) {
      diags.report(DiagKind::BadAttribute, column.range,
                   "`compare_ignore` of task `" + node.name + "` has an element that names no column");
    } else if (std::find(key.begin(), key.end(), column.text) != key.end()) {
      Diagnostic& d = diags.report(DiagKind::BadAttribute, column.range,
                                   "`compare_ignore` of task `" + node.name + "` names `" + column.text +
                                       "`, a column of its merge key: the key diff matches rows by it");
      d.helps.push_back("remove it; a key column cannot be left out of the comparison");
    } else {
      node.compare_ignore.push_back(column.text);
    }
  }
}

// `idempotent` is a promise about SQL flowc does not write (`mode = none`).
// For the other modes flowc writes the statement, and the mode alone says
// whether a second run is safe: a promise against it is a mistake.
void Checker::check_idempotent_for_mode(TermId idem, model::WriteModeKind mode) {
  if (!idem.valid() || term(idem).kind != Kind::Bool || mode == model::WriteModeKind::None) return;
  const bool promised = term(idem).int_value != 0;
  const std::string name(model::mode_name(mode));
  if (mode == model::WriteModeKind::Append && promised) {
    Diagnostic& d = diags.report(DiagKind::BadAttribute, term(idem).range,
                                 "`idempotent = true` does not make `mode = append` safe to run twice: a "
                                 "second run inserts its rows again");
    d.helps.push_back("use `overwrite_partition(col)` or `merge(key = [...])`, or remove `idempotent`");
  } else if (mode != model::WriteModeKind::Append && !promised) {
    Diagnostic& d = diags.report(
        DiagKind::BadAttribute, term(idem).range,
        "`mode = " + name + "` is idempotent whatever `idempotent` says: flowc writes its statement");
    d.helps.push_back(
        "remove `idempotent = false`; to keep the task from running again, set `retry = retry(0)`");
  }
}

}  // namespace flowc::check
