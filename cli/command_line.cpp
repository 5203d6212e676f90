#include "cli/command_line.h"

#include <algorithm>
#include <iostream>
#include <set>

#include "cli/load.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/model/model.h"
#include "compiler/plan/ds.h"

namespace flowc::cli {
namespace {

constexpr const char* kVersion = "flowc 0.1.0";

/// A value that must not be empty: given empty (`--env ""`, a variable that
/// was not set) it would silently mean what leaving the option out means.
/// `instead` says what to write.
CLI::Validator not_empty(const std::string& instead) {
  return CLI::Validator(
      [instead](std::string& value) {
        return value.empty() ? "must not be empty (" + instead + ")" : std::string();
      },
      "", "not empty");
}

/// For an option whose absence means a default.
const CLI::Validator kNotEmpty = not_empty("leave the option out for the default");

/// For a required argument: "" names nothing (`flowc cutover ""` would
/// otherwise check the default workflow).
const CLI::Validator kNamesSomething = not_empty("give a value");

/// A logical date: YYYY-MM-DD, a real day of the years 0001 to 9999 (there
/// is no year 0; PostgreSQL rejects it).
const CLI::Validator kDate(
    [](std::string& value) {
      return flowc::plan::parse_ds(value)
                 ? std::string()
                 : "not a date: \"" + value + "\" (write YYYY-MM-DD, years 0001 to 9999)";
    },
    "", "date");

/// A run's id: a whole number above 0 (what `flowc history` lists). Said
/// before any database is looked for: no run can have another id.
const CLI::Validator kRunId(
    [](std::string& value) {
      return parse_run_id(value)
                 ? std::string()
                 : "not a run id: \"" + value + "\" (a whole number, as `flowc history` lists runs)";
    },
    "", "run id");

/// A run id written back in decimal digits alone (`042` is run 42: CLI11
/// would read it as octal); anything else is left to kRunId's check, which
/// CLI11 runs after every transform.
const CLI::Validator kRunIdDecimal(
    [](std::string& value) {
      if (std::optional<int64_t> id = parse_run_id(value)) value = std::to_string(*id);
      return std::string();
    },
    "", "run id");

/// A whole number from `min` to `max` (a count of tasks or runs), in decimal
/// digits only: CLI11 would read `0x10` as 16 and `010` as 8, and call `1e3`
/// or `abc` a value "not in range". Leading zeros are dropped, so `010` is 10.
CLI::Validator whole_number(uint32_t min, uint32_t max) {
  return CLI::Validator(
      [min, max](std::string& value) {
        const std::string range = std::to_string(min) + " to " + std::to_string(max);
        bool digits = !value.empty() &&
                      std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits) return "not a whole number: \"" + value + "\" (write one from " + range + ")";
        value.erase(0, std::min(value.find_first_not_of('0'), value.size() - 1));
        // More digits than the largest bound has is out of range whatever they say.
        bool in_range = value.size() <= std::to_string(max).size() && std::stoul(value) >= min &&
                        std::stoul(value) <= max;
        return in_range ? std::string() : value + " is not in the range " + range;
      },
      "", "whole number");
}

/// `--env`, for the commands that plan or run: a target's environment, or
/// `production`, the default environment named as history and FLOW_ENV name
/// it (no suffix: the plan's env is "").
void add_env_option(CLI::App* cmd, std::string& env) {
  const CLI::Validator environment(
      [](std::string& value) {
        std::string empty = kNotEmpty(value);
        if (value == "production") value.clear();
        return empty;
      },
      "", "environment");
  cmd->add_option("--env", env, "the environment (default: production)")->transform(environment);
}

/// `--param NAME=VALUE`, for the commands that plan or run: a workflow
/// param's value (any number of them; lowering checks names and values).
void add_param_option(CLI::App* cmd, std::vector<std::string>& params) {
  const CLI::Validator name_value(
      [](std::string& value) {
        size_t eq = value.find('=');
        return eq == std::string::npos || eq == 0 ? "write NAME=VALUE, such as --param region=emea"
                                                  : std::string();
      },
      "", "NAME=VALUE");
  cmd->add_option("--param", params, "a param's value, NAME=VALUE (repeat for several)")->check(name_value);
}

/// `--concurrency` of the commands that drive runs (`run`, `schedule`): the
/// tasks a run runs at once in this process; 0 leaves them to `flowc worker`.
void add_task_concurrency_option(CLI::App* cmd, std::optional<uint32_t>& concurrency,
                                 const std::string& otherwise) {
  cmd->add_option(
         "--concurrency", concurrency,
         "tasks at once, 0 to 1024 (default: " + otherwise + "; 0: none here, `flowc worker` runs them)")
      ->transform(whole_number(0, flowc::model::kMaxConcurrency));
}

/// `--dsn`, for the commands that run tasks: one database for every target.
void add_dsn_option(CLI::App* cmd, std::string& dsn) {
  cmd->add_option("--dsn", dsn, "the database for every target (overrides env())")->check(kNotEmpty);
}

/// `--state-dsn`, for every command that reads or writes run history.
void add_state_dsn_option(CLI::App* cmd, std::string& state_dsn, const std::string& when = "") {
  cmd->add_option("--state-dsn", state_dsn,
                  "the state database" + when + " (default: $FLOW_STATE_DSN, else the target, else .flow/pg)")
      ->check(kNotEmpty);
}

/// CLI11's words for an option given twice ("--strict: At Most 1 required
/// but received 2"), said plainly: "--strict given 2 times; give it once".
std::string usage_message(std::string message) {
  const std::string at_most = ": At Most 1 required but received ";
  if (size_t at = message.find(at_most); at != std::string::npos)
    return message.substr(0, at) + " given " + message.substr(at + at_most.size()) + " times; give it once";
  // CLI11's "--ds: 1 required TEXT missing": the option was given no value.
  const std::string missing = ": 1 required ";
  if (size_t at = message.find(missing); at != std::string::npos && message.ends_with(" missing"))
    return message.substr(0, at) + ": needs a value (write it after the option)";
  return message;
}

/// CLI11 2.1 lists the arguments it did not expect last first
/// (`extra3 extra2 extra1`): its message, with them in the order given, read
/// from what the parsed commands left over. `message` when there are none.
std::string in_given_order(const CLI::App& app, const std::string& message) {
  std::vector<std::string> extras;
  for (const CLI::App* at = &app; at != nullptr;) {
    std::vector<std::string> left = at->remaining(false);
    extras.insert(extras.end(), left.begin(), left.end());
    std::vector<CLI::App*> parsed = at->get_subcommands();
    at = parsed.empty() ? nullptr : parsed.front();
  }
  if (extras.empty()) return message;
  std::string out = extras.size() > 1 ? "The following arguments were not expected:"
                                      : "The following argument was not expected:";
  for (const std::string& extra : extras) out += " " + extra;
  return out;
}

/// The on/off flags of `app` and its commands (`--strict`, `--check`, ...),
/// but `--help` and `--version`, which stay as CLI11 has them.
std::vector<CLI::Option*> on_off_flags(CLI::App& app) {
  std::vector<CLI::Option*> flags;
  for (CLI::Option* option : app.get_options())
    if (option->get_expected_max() == 0 && option != app.get_help_ptr() && option != app.get_version_ptr())
      flags.push_back(option);
  for (CLI::App* command : app.get_subcommands({})) {
    std::vector<CLI::Option*> more = on_off_flags(*command);
    flags.insert(flags.end(), more.begin(), more.end());
  }
  return flags;
}

/// cli.md: a flag given twice is a usage error, as an option given twice is
/// (CLI11's default for options). CLI11 lets a flag repeat (it keeps the
/// last), so every on/off flag is set to refuse that here, once, after all
/// of them are declared. (A flag given a value, which CLI11 also takes, is
/// refused before parsing: CommandLine::parse.)
void refuse_repeated_flags(CLI::App& app) {
  for (CLI::Option* option : on_off_flags(app)) option->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

/// The project, `--workflow`, `--param` and (`with_ds`) `--ds` and `--env`:
/// what selects and lowers one workflow.
void add_selection(CLI::App* cmd, PlanSelection& selection, bool with_ds) {
  cmd->add_option("path", selection.path, "the project (default: .)");
  cmd->add_option("--workflow", selection.workflow, "the workflow (needed when the project has several)")
      ->check(kNotEmpty);
  if (with_ds) {
    cmd->add_option("--ds", selection.ds, "the logical date YYYY-MM-DD (default: yesterday)")->check(kDate);
    add_env_option(cmd, selection.env);
  }
  // Also for `graph`: lowering needs a value for a param without a default.
  add_param_option(cmd, selection.params);
}

}  // namespace

CommandLine::CommandLine() {
  app.require_subcommand(1);
  app.set_version_flag("--version", kVersion);
  declare_authoring();
  declare_running();
  declare_reading();
  refuse_repeated_flags(app);
}

void CommandLine::declare_authoring() {
  check_cmd = app.add_subcommand("check", "parse, resolve, type-check and apply every rule to a project");
  check_cmd->add_option("paths", check.paths, "files or directories (default: .)");
  check_cmd->add_flag("--strict", check.strict, "warnings fail the check too");
  check_cmd->add_option("--format", check.format, "human | json | sarif | github")->capture_default_str();
  check_cmd->add_option("--db", check.db, "also prepare every SQL statement against this database")
      ->check(kNotEmpty);

  fmt_cmd = app.add_subcommand("fmt", "format .flow files canonically (in place)");
  fmt_cmd->add_option("paths", fmt.paths, "files or directories (default: .)");
  fmt_cmd->add_flag("--check", fmt.check, "change nothing; print a diff and exit 1 when a file would change");

  doc_cmd = app.add_subcommand("doc", "show the doc comment and signature of a stdlib or project name");
  doc_cmd->add_option("name", doc.name, "a name (`unique`, `daily_kpi`, `daily_kpi.orders`)")
      ->required()
      ->check(kNamesSomething);
  doc_path_opt = doc_cmd->add_option("path", doc.path, "the project (default: .)");

  inventory_cmd = app.add_subcommand("inventory", "the migration inventory of the project's legacy jobs");
  inventory_path_opt = inventory_cmd->add_option("path", inventory.path, "the project (default: .)");
  inventory_format_opt = inventory_cmd->add_option("--format", inventory.format, "human | json | markdown")
                             ->capture_default_str();
  import_opt =
      inventory_cmd
          ->add_option(
              "--import", inventory.import_kind,
              "turn a crontab into `legacy` blocks: --import crontab FILE (- for stdin); "
              "system-crontab for one with a user field (found by itself in /etc/crontab, /etc/cron.d)")
          ->check(not_empty("write --import crontab FILE"));
  inventory_extra_opt =
      inventory_cmd->add_option("file", inventory.import_file, "the crontab file (with --import)");

  lsp_cmd = app.add_subcommand("lsp", "the language server on stdin/stdout (LSP 3.17)");
  // Editors' clients often ask for the transport (`--stdio`, as
  // vscode-languageclient's TransportKind.stdio appends): the only one there is.
  lsp_cmd->add_flag("--stdio")->description("talk over stdin/stdout (the default and only transport)");

  plan_cmd = app.add_subcommand("plan", "the execution plan exactly as the runtime will run it");
  add_selection(plan_cmd, plan.selection, true);
  plan_cmd->add_option("--format", plan.format, "human | json")->capture_default_str();

  graph_cmd = app.add_subcommand("graph", "the dependency graph of a workflow");
  add_selection(graph_cmd, graph.selection, false);
  graph_cmd->add_option("--format", graph.format, "dot | mermaid | svg (svg needs Graphviz `dot`)")
      ->capture_default_str();
}

void CommandLine::declare_running() {
  run_cmd = app.add_subcommand("run", "compile, then execute one run of a workflow");
  add_selection(run_cmd, run.selection, true);
  add_task_concurrency_option(run_cmd, run.concurrency, "the workflow's concurrency");
  run_cmd->add_flag("--dry-run", run.dry_run, "print the plan and what would run; touch nothing");
  add_dsn_option(run_cmd, run.dsn);
  add_state_dsn_option(run_cmd, run.state_dsn);

  retry_cmd = app.add_subcommand(
      "retry", "rerun what failed in a run (or --task T and its downstream), in the same run record");
  retry_cmd->add_option("run_id", retry.run_id, "the run's id (from `flowc history`)")
      ->required()
      ->check(kNamesSomething)
      ->check(kRunId)
      ->transform(kRunIdDecimal);
  retry_cmd->add_option("path", retry.path, "the project (default: .)");
  retry_cmd
      ->add_option("--task", retry.task, "rerun this task (in any final state) and everything downstream")
      ->check(kNotEmpty);
  auto* retry_dry_run = retry_cmd->add_flag(
      "--dry-run", retry.dry_run, "say what would run again and whether repeating it is safe; run nothing");
  retry_cmd->add_option("--format", retry.format, "of --dry-run: human | json")
      ->capture_default_str()
      ->needs(retry_dry_run);
  add_dsn_option(retry_cmd, retry.dsn);
  add_state_dsn_option(retry_cmd, retry.state_dsn);

  backfill_cmd = app.add_subcommand("backfill", "one run per ds from --from to --to, oldest first");
  add_selection(backfill_cmd, backfill.selection, false);
  backfill_cmd->add_option("--from", backfill.from, "the first ds, YYYY-MM-DD")->required()->check(kDate);
  backfill_cmd->add_option("--to", backfill.to, "the last ds, YYYY-MM-DD (inclusive)")
      ->required()
      ->check(kDate);
  // Each run holds its own connections: a bound like worker --slots.
  backfill_cmd
      ->add_option("--concurrency", backfill.concurrency,
                   "runs at once, 1 to 1024 (each with the workflow's own)")
      ->capture_default_str()
      ->transform(whole_number(1, 1024));
  backfill_cmd->add_flag("--force", backfill.force, "also rerun days whose latest run succeeded");
  add_env_option(backfill_cmd, backfill.selection.env);
  add_dsn_option(backfill_cmd, backfill.dsn);
  add_state_dsn_option(backfill_cmd, backfill.state_dsn);

  schedule_cmd = app.add_subcommand(
      "schedule", "the long-running scheduler: creates and drives the runs each workflow's `schedule` owes");
  schedule_cmd->add_option("path", schedule.path, "the project (default: .)");
  add_env_option(schedule_cmd, schedule.env);
  add_task_concurrency_option(schedule_cmd, schedule.concurrency, "the workflow's, per run");
  schedule_cmd->add_flag("--once", schedule.once, "create and drive the runs owed now, then exit");

  worker_cmd = app.add_subcommand(
      "worker",
      "claim and run ready tasks of any running run in the state database, until SIGINT, SIGTERM or SIGHUP");
  worker_cmd->add_option("path", worker.path,
                         "the project: command tasks run here, logs go to .flow/logs (default: .)");
  worker_cmd->add_option("--slots", worker.slots, "tasks at once, 1 to 1024")
      ->capture_default_str()
      ->transform(whole_number(1, flowc::model::kMaxConcurrency));
  add_dsn_option(worker_cmd, worker.dsn);
  add_state_dsn_option(worker_cmd, worker.state_dsn);
  add_dsn_option(schedule_cmd, schedule.dsn);
  add_state_dsn_option(schedule_cmd, schedule.state_dsn);

  db_cmd = app.add_subcommand("db", "the private local PostgreSQL cluster (.flow/pg)");
  db_cmd->require_subcommand(1);
  db_start_cmd =
      db_cmd->add_subcommand("start", "start (or reuse) the private local cluster; prints its DSN");
  db_start_cmd->add_option("path", db_path, "the project (default: .)");
  db_stop_cmd = db_cmd->add_subcommand("stop", "stop the private local cluster");
  db_stop_cmd->add_option("path", db_path, "the project (default: .)");
}

void CommandLine::declare_reading() {
  history_cmd =
      app.add_subcommand("history", "what ran: runs newest first, with status, duration and failed tasks");
  history_cmd->add_option("path", history.path, "the project (default: .)");
  history_cmd->add_option("--workflow", history.workflow, "only this workflow's runs")->check(kNotEmpty);
  history_cmd->add_option("--since", history.since, "how far back: 30m, 24h, 7d, 1h30m")
      ->capture_default_str();
  history_cmd->add_option("--format", history.format, "human | json")->capture_default_str();
  add_state_dsn_option(history_cmd, history.state_dsn);

  status_cmd = app.add_subcommand("status", "one run: tasks, attempts, errors, expectations, alerts, logs");
  status_cmd->add_option("run_id", status.run_id, "the run's id (from `flowc history`)")
      ->required()
      ->check(kNamesSomething)
      ->check(kRunId)
      ->transform(kRunIdDecimal);
  status_cmd->add_option("path", status.path, "the project (default: .)");
  status_cmd->add_option("--format", status.format, "human | json")->capture_default_str();
  add_state_dsn_option(status_cmd, status.state_dsn);

  impact_cmd = app.add_subcommand("impact",
                                  "everything downstream of a task, source or table, and the owners to tell");
  impact_cmd
      ->add_option("name", impact.name,
                   "`task`, `workflow.task`, `workflow.source` or a table (with --run: optional)")
      ->check(kNamesSomething);
  impact_cmd->add_option("path", impact.path, "the project (default: .)");
  impact_cmd->add_option("--run", impact.run_id, "also mark what this run's failures made stale")
      ->check(kNotEmpty)
      ->check(kRunId)
      ->transform(kRunIdDecimal);
  impact_cmd->add_option("--format", impact.format, "human | json")->capture_default_str();
  add_state_dsn_option(impact_cmd, impact.state_dsn, ", with --run");

  cutover_cmd = app.add_subcommand(
      "cutover", "the cutover checklist of a mirror-stage workflow, each item ✓ or ✗ with why");
  cutover_cmd->add_option("workflow", cutover.workflow, "the workflow")->required()->check(kNamesSomething);
  cutover_cmd->add_option("path", cutover.path, "the project (default: .)");
  cutover_cmd->add_option("--format", cutover.format, "human | json")->capture_default_str();
  add_state_dsn_option(cutover_cmd, cutover.state_dsn);
  add_param_option(cutover_cmd, cutover.params);

  ops_cmd = app.add_subcommand(
      "ops",
      "per workflow: on-time rate, failure rate, recurring failures, time to recovery, retries, alerts");
  ops_cmd->add_option("path", ops.path, "the project (default: .)");
  ops_cmd->add_option("--workflow", ops.workflow, "only this workflow")->check(kNotEmpty);
  ops_cmd->add_option("--since", ops.since, "how far back: 7d, 30d, 24h")->capture_default_str();
  ops_cmd->add_option("--format", ops.format, "human | json")->capture_default_str();
  add_state_dsn_option(ops_cmd, ops.state_dsn);
}

std::optional<int> CommandLine::parse(int argc, char** argv) {
  // An unknown command (or `db` command) named as such, with a did-you-mean,
  // rather than CLI11's "The following arguments were not expected".
  auto unknown_command = [&](const CLI::App& parent, std::string_view given, const std::string& prefix) {
    std::vector<std::string_view> names;
    for (const CLI::App* sub : parent.get_subcommands({})) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), given) != names.end()) return false;
    std::string_view near = flowc::closest_name(given, names);
    // print_error: what was typed is echoed, a control character as its picture.
    print_error("unknown command `" + std::string(given) + "`" +
                (near.empty() ? std::string() : "; did you mean `" + std::string(near) + "`?") + " (run `flowc " +
                prefix + "--help` for the list of commands)");
    return true;
  };
  std::set<std::string> on_off;
  for (const CLI::Option* option : on_off_flags(app))
    for (const std::string& name : option->get_lnames()) on_off.insert("--" + name);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    // An on/off flag given a value: CLI11 takes `--check=true` (and refuses
    // other values in its own words); a flag takes none, whatever it is.
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos &&
                                   on_off.contains(std::string(arg.substr(0, eq)))) {
      const std::string flag(arg.substr(0, eq));
      const bool command = argc > 1 && argv[1][0] != '-';
      print_error(flag + " takes no value: write `" + flag + "` alone, or leave it out (run `flowc " +
                  (command ? std::string(argv[1]) + " " : std::string()) + "--help`)");
      return kExitUsage;
    }
    // `--workflow=` with nothing after `=`: CLI11 would take the next
    // argument as its value (`--workflow= daily` names the workflow `daily`,
    // `--env= --ds ...` names the environment `--ds`). An empty value is
    // refused, as `--workflow ""` is.
    if (arg.size() > 3 && arg.starts_with("--") && arg.find('=') == arg.size() - 1) {
      print_error(std::string(arg.substr(0, arg.size() - 1)) +
                  ": must not be empty (write a value after `=`, or leave the option out)");
      return kExitUsage;
    }
  }
  // CLI11 answers `--version` before it looks at the rest: `flowc --version
  // extra` printed the version and exited 0.
  if (argc > 2 && std::string_view(argv[1]) == "--version") {
    std::cerr << "flowc: --version takes no other argument (run `flowc --help`)\n";
    return kExitUsage;
  }
  if (argc > 1 && argv[1][0] != '-' && unknown_command(app, argv[1], "")) return kExitUsage;
  if (argc > 2 && std::string_view(argv[1]) == "db" && argv[2][0] != '-' &&
      unknown_command(*db_cmd, argv[2], "db "))
    return kExitUsage;

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ValidationError& e) {
    // A bad value (`--ds: not a date: ...`) says all there is to say: one line.
    print_error(e.what());
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    // CLI11's own exit codes are 100-127; cli.md says usage errors exit 2,
    // in one line, here with the help of the command that was being parsed.
    std::string command = "flowc";
    for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
      at = at->get_subcommands().front();
      command += " " + at->get_name();
    }
    std::string message = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) message = in_given_order(app, message);
    print_error(usage_message(message) + " (run `" + command + " --help`)");
    return kExitUsage;
  }
  return std::nullopt;
}

int CommandLine::dispatch() {
  if (check_cmd->parsed()) return run_check(check);
  if (lsp_cmd->parsed()) return run_lsp();
  if (fmt_cmd->parsed()) return run_fmt(fmt);
  if (doc_cmd->parsed()) {
    doc.path_given = doc_path_opt->count() > 0;
    return run_doc(doc);
  }
  if (plan_cmd->parsed()) return run_plan(plan);
  if (graph_cmd->parsed()) return run_graph(graph);
  if (run_cmd->parsed()) return run_run(run);
  if (history_cmd->parsed()) return run_history(history);
  if (status_cmd->parsed()) return run_status(status);
  if (retry_cmd->parsed()) return run_retry(retry);
  if (backfill_cmd->parsed()) return run_backfill(backfill);
  if (impact_cmd->parsed()) return run_impact(impact);
  if (cutover_cmd->parsed()) return run_cutover(cutover);
  if (schedule_cmd->parsed()) return run_schedule(schedule);
  if (worker_cmd->parsed()) return run_worker(worker);
  if (ops_cmd->parsed()) return run_ops(ops);
  if (db_start_cmd->parsed()) return run_db_start(db_path);
  if (db_stop_cmd->parsed()) return run_db_stop(db_path);
  if (inventory_cmd->parsed()) {
    // One positional at most: the project, or with --import the crontab
    // (CLI11 hands a second one to `file`). With --import either may be the
    // one not meant (`inventory DIR --import crontab FILE`, or `... FILE
    // extra`): both are named.
    if (*inventory_extra_opt && *import_opt) {
      print_error("--import reads one FILE and takes no project, but got two: " + inventory.path + " and " +
                  inventory.import_file + " (run `flowc inventory --help`)");
      return kExitUsage;
    }
    if (*inventory_extra_opt) {
      print_error("The following argument was not expected: " + inventory.import_file +
                  " (run `flowc inventory --help`)");
      return kExitUsage;
    }
    if (*import_opt) {
      if (*inventory_format_opt) {
        std::cerr << "flowc: --format is for the inventory; --import writes `legacy` blocks (.flow text)\n";
        return kExitUsage;
      }
      if (!*inventory_path_opt) {
        std::cerr << "flowc: --import crontab needs a FILE (- for stdin)\n";
        return kExitUsage;
      }
      inventory.import_file = inventory.path;
    }
    return run_inventory(inventory);
  }
  return kExitUsage;
}

}  // namespace flowc::cli
