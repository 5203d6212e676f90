// The project, targets, routes and legacy jobs: attributes checked against
// their schemas and turned into the model's values.
#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"
#include "compiler/dsn/written_passwords.h"
#include "compiler/inventory/placeholders.h"
#include "compiler/spelling/spelling.h"

namespace flowc::check {

using Kind = model::Term::Kind;

namespace {

/// `warehouse` -> `WAREHOUSE`, for the suggested variable name.
std::string upper_snake(std::string_view name) {
  std::string out;
  for (char c : name) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

}  // namespace

std::string Checker::string_value(TermId id) const {
  if (!id.valid()) return {};
  const model::Term& t = term(id);
  if (t.kind == Kind::String) return t.text;
  if (t.kind != Kind::Template) return {};
  std::string out;
  for (const model::TemplatePart& part : model.templates[static_cast<size_t>(t.int_value)].parts) {
    out += part.kind == model::TemplatePart::Kind::Text ? part.text : std::string(text_of(part.range));
  }
  return out;
}

std::vector<std::string> Checker::legacy_tables(TermId id, std::string_view attribute,
                                                std::vector<SourceRange>& ranges) {
  std::vector<std::string> tables;
  if (!id.valid() || term(id).kind != Kind::List) return tables;
  // Compared with the tasks' tables (E0303, W0404, parity), so spelled as
  // tasks spell them: a quoted or padded name would silently match nothing.
  // `reads` may also name files, by a path with a `/`.
  for (TermId item : operands(id)) {
    bool file = attribute == "reads" && term(item).text.find('/') != std::string::npos;
    if (!fixed_name(item, attribute)) continue;
    if (term(item).kind == Kind::String && !file && !table_name(item, attribute)) continue;
    tables.push_back(string_value(item));
    ranges.push_back(term(item).range);
  }
  return tables;
}

std::vector<std::string> Checker::string_list(TermId id) const {
  std::vector<std::string> out;
  if (!id.valid() || term(id).kind != Kind::List) return out;
  for (TermId item : operands(id)) out.push_back(string_value(item));
  return out;
}

model::AlertSpec Checker::to_alert(TermId id) {
  model::AlertSpec alert;
  const model::Term& t = term(id);
  alert.range = t.range;
  std::span<const TermId> args = operands(id);
  if (t.kind != Kind::Call || t.text != "alert" || args.size() != 2) return alert;
  const model::Term& route = term(args[0]);
  if (route.kind == Kind::Ref && route.symbol.valid())
    alert.route = model::RouteId{model.symbol(route.symbol).entity};
  if (term(args[1]).kind == Kind::Enum)
    alert.severity = static_cast<model::SeverityLevel>(term(args[1]).int_value);
  return alert;
}

model::RetryPolicy Checker::to_retry(TermId id) {
  model::RetryPolicy retry;
  const model::Term& t = term(id);
  retry.range = t.range;
  std::span<const TermId> args = operands(id);
  if (t.kind != Kind::Call || t.text != "retry" || args.size() != 3) return retry;
  // A retry loop is bounded: a mistyped count must not become a billion
  // attempts against the database.
  if (term(args[0]).kind == Kind::Int)
    retry.attempts = static_cast<uint32_t>(
        within(args[0], 0, model::kMaxRetries,
               "`retry` allows at most " + std::to_string(model::kMaxRetries) + " retries after the first attempt")
            .value_or(0));
  const model::Term& backoff = term(args[1]);
  std::span<const TermId> b = operands(args[1]);
  if (backoff.kind == Kind::Call && backoff.text == "exponential" && b.size() == 2) {
    retry.exponential = true;
    retry.initial_seconds = term(b[0]).int_value;
    retry.max_seconds = term(b[1]).int_value;
    // The delay is min(initial * 2^k, max): a `max` below `initial` makes
    // every wait `max`, which is `fixed(max)` written as something else.
    // A `max` left at its default has no place of its own: point at the call.
    const bool max_written = term(b[1]).range.valid();
    if (retry.max_seconds < retry.initial_seconds)
      diags.report(
          DiagKind::TypeMismatch, max_written ? term(b[1]).range : backoff.range,
          fmt::format("`max` ({}{}) is shorter than `initial` ({}): every retry would wait {}; write "
                      "`fixed({})`, or a `max` of at least {}",
                      spelling::duration_text(retry.max_seconds), max_written ? "" : ", the default",
                      spelling::duration_text(retry.initial_seconds),
                      spelling::duration_text(retry.max_seconds), spelling::duration_text(retry.max_seconds),
                      spelling::duration_text(retry.initial_seconds)));
  } else if (backoff.kind == Kind::Call && backoff.text == "fixed" && b.size() == 1) {
    retry.exponential = false;
    retry.initial_seconds = retry.max_seconds = term(b[0]).int_value;
  }
  retry.on_any = term(args[2]).kind == Kind::Enum && term(args[2]).text == "any";
  return retry;
}

model::Channel Checker::to_channel(TermId id) {
  model::Channel channel;
  const model::Term& t = term(id);
  std::span<const TermId> args = operands(id);
  if (t.kind != Kind::Call || args.empty()) return channel;  // stderr()
  const model::Term& first = term(args[0]);
  if (t.text == "webhook") {
    channel.kind = model::Channel::Kind::Webhook;
    std::span<const TermId> env = operands(args[0]);
    if (first.kind == Kind::Call && first.text == "env" && env.size() == 1) {
      channel.args.push_back("env:" + term(env[0]).text);
      channel.secret = true;
    } else {
      channel.args.push_back(string_value(args[0]));
    }
  } else if (t.text == "command") {
    channel.kind = model::Channel::Kind::Command;
    channel.args = string_list(args[0]);
    if (args.size() > 1) {
      for (TermId secret : operands(args[1])) {
        std::span<const TermId> name = operands(secret);
        if (term(secret).kind == Kind::Call && name.size() == 1) channel.env.push_back(term(name[0]).text);
      }
    }
  } else if (t.text == "jsonl") {
    channel.kind = model::Channel::Kind::Jsonl;
    channel.args.push_back(string_value(args[0]));
  }
  return channel;
}

void Checker::check_project() {
  if (project_block.tree != UINT32_MAX) {
    Scope s{project_block.tree};
    const syntax::Block& block = tree(s.tree).block(project_block.block);
    check_members(s, block);
    Attrs attrs = collect_attributes(s, block);
    TermId target = attr_term(s, attrs, "default_target");
    if (target.valid() && term(target).kind == Kind::Ref) {
      model.project.default_target = model::TargetId{model.symbol(term(target).symbol).entity};
    }
    TermId schema = attr_term(s, attrs, "state_schema");
    if (fixed_name(schema, "state_schema") && schema.valid() && term(schema).kind == Kind::String) {
      const std::string& name = term(schema).text;
      // Run history must land where `history` and `status` read it, in a
      // schema PostgreSQL lets flowc create.
      std::string problem;
      if (is_blank(name)) problem = "`state_schema` is empty: run history needs a schema of its own";
      else if (name.starts_with("pg_") || name == "information_schema")
        problem = "`state_schema` `" + name + "` is PostgreSQL's: " +
                  (name == "information_schema" ? "it is a system schema"
                                                : "it reserves names starting with `pg_` for its own schemas");
      if (problem.empty() && name.size() > 63) {
        // Cut to 63 bytes, the history would be in another schema than `history` reads.
        Diagnostic& d = diags.report(DiagKind::NameTooLong, term(schema).range,
                                     "`state_schema` `" + name + "` is " + std::to_string(name.size()) +
                                         " bytes: PostgreSQL cuts names to 63");
        d.helps.push_back("use a schema name of at most 63 bytes");
      } else if (problem.empty()) {
        model.project.state_schema = name;
      } else {
        Diagnostic& d = diags.report(DiagKind::BadAttribute, term(schema).range, problem);
        d.helps.push_back("name a schema of your own such as `\"flow\"`, or drop the attribute for that default");
      }
    }
  }
  if (!model.project.default_target.valid() && model.targets.size() == 1)
    model.project.default_target = model::TargetId{0};
}

void Checker::check_target(uint32_t index) {
  Scope s{target_blocks[index].tree};
  const syntax::SyntaxTree& t = tree(s.tree);
  const syntax::Block& block = t.block(target_blocks[index].block);
  check_members(s, block);
  Attrs attrs = collect_attributes(s, block);
  model::Target& target = model.targets[index];
  if (TermId dsn = attr_term(s, attrs, "dsn"); dsn.valid()) {
    std::span<const TermId> args = operands(dsn);
    if (term(dsn).kind == Kind::Call && term(dsn).text == "env" && args.size() == 1) {
      target.dsn_env = term(args[0]).text;
    } else {
      target.dsn = string_value(dsn);
      // A plain DSN is for a database without a password: the file is
      // committed, plans print it and runs store it.
      if (std::vector<std::string> passwords = flowc::dsn::written_passwords(target.dsn); !passwords.empty()) {
        Diagnostic& d = diags.report(DiagKind::SecretLeak, term(dsn).range,
                                     "the DSN of target `" + target.name + "` has a password written in the file");
        d.hidden = std::move(passwords);
        d.helps.push_back("take the DSN from the environment: `dsn = env(\"" + upper_snake(target.name) +
                          "_DSN\")`");
      }
    }
  }
  if (TermId schema = attr_term(s, attrs, "schema");
      fixed_name(schema, "schema") && schema.valid() && term(schema).kind == Kind::String) {
    target.schema = term(schema).text;
  }
  llvm::StringMap<SourceRange> seen;
  for (syntax::MemberId mid : block.members) {
    const syntax::Member& m = t.member(mid);
    if (m.kind != syntax::MemberKind::Block || !m.block.valid()) continue;
    const syntax::Block& env = t.block(m.block);
    if (env.kind != syntax::BlockKind::Environment || env.name.text.empty()) continue;
    auto [it, inserted] = seen.try_emplace(env.name.text, env.name.range);
    if (!inserted) {
      diags
          .report(
              DiagKind::DuplicateName, env.name.range,
              "target `" + target.name + "` already has an environment `" + std::string(env.name.text) + "`")
          .notes.push_back({it->second, "first defined here"});
      continue;
    }
    // `--env production` names the default environment (no suffix), so a
    // block of that name could never be used.
    if (env.name.text == "production") {
      diags.report(DiagKind::DuplicateName, env.name.range,
                   "`production` is the name of the default environment (the production schemas): an "
                   "`environment` block cannot take it");
      continue;
    }
    check_members(s, env);
    Attrs env_attrs = collect_attributes(s, env);
    model::Symbol sym;
    sym.kind = model::SymbolKind::Environment;
    sym.name = std::string(env.name.text);
    sym.qualified_name = target.name + "." + sym.name;
    sym.name_range = env.name.range;
    sym.decl_range = env.range;
    sym.doc = env.doc;
    model::Environment& out = model.targets[index].environments.emplace_back();
    out.symbol = add_symbol(std::move(sym));
    out.name = std::string(env.name.text);
    out.schema_suffix = "_" + out.name;
    TermId suffix = attr_term(s, env_attrs, "schema_suffix");
    if (fixed_name(suffix, "schema_suffix") && suffix.valid() && term(suffix).kind == Kind::String) {
      out.schema_suffix = term(suffix).text;
      // An environment exists to keep its runs off the production tables;
      // without a suffix its runs (model-stage ones included) write them.
      if (is_blank(out.schema_suffix)) {
        Diagnostic& d = diags.report(DiagKind::BadAttribute, term(suffix).range,
                                     "`schema_suffix` of environment `" + out.name +
                                         "` is empty: runs with --env " + out.name +
                                         " would write the production tables");
        d.helps.push_back("write a suffix such as `\"_" + out.name + "\"`, or drop the attribute for that default");
      }
    }
  }
}

void Checker::check_route(uint32_t index) {
  Scope s{route_blocks[index].tree};
  const syntax::Block& block = tree(s.tree).block(route_blocks[index].block);
  check_members(s, block);
  Attrs attrs = collect_attributes(s, block);
  model::Route& route = model.routes[index];
  route.owner = string_value(attr_term(s, attrs, "owner"));
  if (TermId notify = attr_term(s, attrs, "notify"); notify.valid() && term(notify).kind == Kind::List) {
    for (TermId channel : operands(notify)) model.routes[index].channels.push_back(to_channel(channel));
    if (operands(notify).empty()) route_empty_notify[index] = term(notify).range;
  }
  if (TermId severity = attr_term(s, attrs, "min_severity");
      severity.valid() && term(severity).kind == Kind::Enum) {
    model.routes[index].min_severity = static_cast<model::SeverityLevel>(term(severity).int_value);
  }
  if (TermId repeat = attr_term(s, attrs, "repeat"); repeat.valid() && term(repeat).kind == Kind::Duration) {
    model.routes[index].repeat_seconds = term(repeat).int_value;
  }
}

void Checker::check_legacy(uint32_t index) {
  Scope s{legacy_blocks[index].tree};
  const syntax::Block& block = tree(s.tree).block(legacy_blocks[index].block);
  check_members(s, block);
  Attrs attrs = collect_attributes(s, block);
  LegacySite& site = legacy_sites[index];
  if (TermId schedule = attr_term(s, attrs, "schedule");
      schedule.valid() && term(schedule).kind == Kind::Call) {
    std::span<const TermId> args = operands(schedule);
    if (!args.empty()) model.legacies[index].schedule = string_value(args[0]);
    if (args.size() >= 2) model.legacies[index].time_zone = string_value(args[1]);
  }
  model::Legacy& legacy = model.legacies[index];
  legacy.command = string_value(attr_term(s, attrs, "command"));
  TermId owner = attr_term(s, attrs, "owner");
  legacy.owner = string_value(owner);
  std::vector<SourceRange> read_ranges;
  TermId reads = attr_term(s, attrs, "reads");  // elaborated once: it reports
  legacy.reads = legacy_tables(reads, "reads", read_ranges);
  TermId writes = attr_term(s, attrs, "writes");
  legacy.writes = legacy_tables(writes, "writes", site.writes);
  TermId consumers = attr_term(s, attrs, "consumers");
  legacy.consumers = string_list(consumers);
  // Written counts (even when invalid: that is already an error), an empty
  // list included; a blank owner or rollback says nothing (the inventory
  // shows `-`).
  auto says = [&](TermId t) {
    return t.valid() && !((term(t).kind == Kind::String || term(t).kind == Kind::Template) &&
                          is_blank(string_value(t)));
  };
  TermId rollback = attr_term(s, attrs, "rollback");
  legacy.reads_written = reads.valid();
  legacy.writes_written = writes.valid();
  legacy.consumers_written = consumers.valid();
  site.has_owner = says(owner);
  // `writes = []`: it writes no table, and says so; the import's suggestion
  // uncommented unchanged says nothing yet.
  site.has_writes =
      writes.valid() && !inventory::holds_placeholder(legacy.writes, inventory::kPlaceholderTable);
  // `consumers = []`: nobody uses its output, and it says so.
  site.has_consumers =
      consumers.valid() && !inventory::holds_placeholder(legacy.consumers, inventory::kPlaceholderConsumer);
  site.has_rollback = says(rollback);
  if (TermId runtime = attr_term(s, attrs, "runtime");
      runtime.valid() && term(runtime).kind == Kind::Duration) {
    legacy.runtime_seconds = term(runtime).int_value;
  }
  legacy.symptoms = string_value(attr_term(s, attrs, "symptoms"));
  legacy.rollback = string_value(rollback);
  if (TermId enabled = attr_term(s, attrs, "enabled"); enabled.valid() && term(enabled).kind == Kind::Bool) {
    legacy.enabled = term(enabled).int_value != 0;
    legacy.enabled_written = true;
    site.enabled = attr(s, attrs, "enabled")->range;
  }
}

}  // namespace flowc::check
