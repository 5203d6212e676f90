#include "cli/run_databases.h"

#include <fmt/format.h>

#include <cstdlib>

#include "cli/load.h"
#include "cli/local_cluster.h"

namespace flowc::cli {
namespace {

bool needs_target(const plan::Plan& plan) {
  for (const plan::Task& task : plan.tasks)
    if (task.kind != plan::TaskKind::Command) return true;
  return false;
}

}  // namespace

std::string target_dsn_of(const plan::Plan& plan, const RunOptions& options) {
  if (!options.dsn.empty()) return options.dsn;
  std::string from_env = env_value(plan.target_dsn_env);
  return from_env.empty() ? plan.target_dsn : from_env;
}

std::string state_dsn_origin(const plan::Plan& plan, const RunOptions& options) {
  if (!options.state_dsn.empty()) return " (its DSN is --state-dsn's)";
  if (!env_value("FLOW_STATE_DSN").empty()) return " (its DSN is FLOW_STATE_DSN's)";
  std::string target;
  if (!options.dsn.empty())
    target = "the target's, --dsn";
  else if (!env_value(plan.target_dsn_env).empty())
    target = fmt::format("target `{}`'s, from {}", plan.target, plan.target_dsn_env);
  else if (!plan.target_dsn.empty())
    target = fmt::format("target `{}`'s `dsn`", plan.target);
  else
    return "";
  return fmt::format(" (its DSN is {}, as neither --state-dsn nor FLOW_STATE_DSN is set)", target);
}

std::optional<RunDatabases> resolve_databases(const plan::Plan& plan, const RunOptions& options,
                                              const std::string& root, std::stop_token cancel) {
  RunDatabases dbs;
  dbs.target_dsn = target_dsn_of(plan, options);
  dbs.state_dsn = options.state_dsn;
  if (dbs.state_dsn.empty()) dbs.state_dsn = env_value("FLOW_STATE_DSN");

  if (dbs.target_dsn.empty() && dbs.state_dsn.empty()) {
    std::optional<std::string> local = start_local_cluster(root, std::move(cancel));
    if (!local) return std::nullopt;
    dbs.target_dsn = dbs.state_dsn = *local;
    dbs.embedded = true;
    return dbs;
  }
  if (dbs.target_dsn.empty() && needs_target(plan)) {
    std::string where = plan.target_dsn_env.empty() ? std::string("give it a `dsn`")
                                                    : "set " + plan.target_dsn_env;
    print_error("no DSN for target `" + plan.target + "`: " + where + ", or pass --dsn");
    return std::nullopt;
  }
  if (dbs.state_dsn.empty()) dbs.state_dsn = dbs.target_dsn;
  return dbs;
}

}  // namespace flowc::cli
