// The command line of cli.md: every command with its arguments, options and
// flags, parsed into that command's options (commands.h), then run. Usage
// errors are one line on stderr and exit 2, whatever CLI11 would say.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "cli/commands.h"

namespace flowc::cli {

struct CommandLine {
  /// Declares every command.
  CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  /// Parses `argv`: nullopt when it names a command to run, else the exit
  /// code of what was said instead (help, the version, a usage error).
  std::optional<int> parse(int argc, char** argv);
  /// Runs the command parse() found; its exit code.
  int dispatch();

  CLI::App app{"flowc: a typed, declarative workflow language for data teams", "flowc"};
  CheckOptions check;
  FmtOptions fmt;
  DocOptions doc;
  InventoryOptions inventory;
  PlanOptions plan;
  GraphOptions graph;
  RunOptions run;
  HistoryOptions history;
  StatusOptions status;
  ImpactOptions impact;
  RetryOptions retry;
  BackfillOptions backfill;
  ScheduleOptions schedule;
  WorkerOptions worker;
  CutoverOptions cutover;
  OpsOptions ops;
  std::string db_path = ".";  // of `db start` and `db stop`
  // Each command (null until declared).
  CLI::App* check_cmd = nullptr;
  CLI::App* fmt_cmd = nullptr;
  CLI::App* doc_cmd = nullptr;
  CLI::App* inventory_cmd = nullptr;
  CLI::App* lsp_cmd = nullptr;
  CLI::App* plan_cmd = nullptr;
  CLI::App* graph_cmd = nullptr;
  CLI::App* run_cmd = nullptr;
  CLI::App* history_cmd = nullptr;
  CLI::App* status_cmd = nullptr;
  CLI::App* impact_cmd = nullptr;
  CLI::App* retry_cmd = nullptr;
  CLI::App* backfill_cmd = nullptr;
  CLI::App* schedule_cmd = nullptr;
  CLI::App* worker_cmd = nullptr;
  CLI::App* cutover_cmd = nullptr;
  CLI::App* ops_cmd = nullptr;
  CLI::App* db_cmd = nullptr;
  CLI::App* db_start_cmd = nullptr;
  CLI::App* db_stop_cmd = nullptr;
  // Whether these were given: `doc`'s PATH, and `inventory`'s, which --import takes as its FILE.
  CLI::Option* doc_path_opt = nullptr;
  CLI::Option* inventory_path_opt = nullptr;
  CLI::Option* inventory_format_opt = nullptr;
  CLI::Option* import_opt = nullptr;
  CLI::Option* inventory_extra_opt = nullptr;

 private:
  void declare_authoring();  // check, fmt, doc, inventory, lsp, plan, graph
  void declare_running();    // run, retry, backfill, schedule, worker, db
  void declare_reading();    // history, status, impact, cutover, ops
};

}  // namespace flowc::cli
