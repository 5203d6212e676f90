#include "cli/run_databases.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "cli/load.h"
#include "cli/local_cluster.h"

namespace flowc::cli {
namespace {

bool needs_target(const plan::Plan& plan) {
  return std::any_of(plan.tasks.begin(), plan.tasks.end(), plan::uses_target);
}

/// The target's DSN and where it came from, in the order of target_dsn_of.
struct DsnChoice {
  std::string dsn;
  std::string from;  // "the target's, --dsn", "target `w`'s, from W_DSN", ...
};

DsnChoice target_dsn_choice(const plan::Plan& plan, const RunOptions& options) {
  if (!options.dsn.empty()) return {options.dsn, "the target's, --dsn"};
  if (std::string from_env = env_value(plan.target_dsn_env); !from_env.empty())
    return {from_env, fmt::format("target `{}`'s, from {}", plan.target, plan.target_dsn_env)};
  if (!plan.target_dsn.empty()) return {plan.target_dsn, fmt::format("target `{}`'s `dsn`", plan.target)};
  return {};
}

}  // namespace

std::string target_dsn_of(const plan::Plan& plan, const RunOptions& options) {
  return target_dsn_choice(plan, options).dsn;
}

std::optional<RunDatabases> resolve_databases(const plan::Plan& plan, const RunOptions& options,
                                              const std::string& root, std::stop_token cancel) {
  RunDatabases dbs;
  const DsnChoice target = target_dsn_choice(plan, options);
  dbs.target_dsn = target.dsn;
  dbs.state_dsn = options.state_dsn;
  dbs.state_dsn_origin = " (its DSN is --state-dsn's)";
  if (dbs.state_dsn.empty()) {
    dbs.state_dsn = env_value("FLOW_STATE_DSN");
    dbs.state_dsn_origin = " (its DSN is FLOW_STATE_DSN's)";
  }

  if (dbs.target_dsn.empty() && dbs.state_dsn.empty()) {
    std::optional<std::string> local = start_local_cluster(root, std::move(cancel));
    if (!local) return std::nullopt;
    dbs.target_dsn = dbs.state_dsn = *local;
    dbs.embedded = true;
    dbs.state_dsn_origin.clear();
    return dbs;
  }
  if (dbs.target_dsn.empty() && needs_target(plan)) {
    std::string where = plan.target_dsn_env.empty() ? std::string("give it a `dsn`")
                                                    : "set " + plan.target_dsn_env;
    print_error("no DSN for target `" + plan.target + "`: " + where + ", or pass --dsn");
    return std::nullopt;
  }
  if (dbs.state_dsn.empty()) {
    dbs.state_dsn = dbs.target_dsn;
    dbs.state_dsn_origin =
        fmt::format(" (its DSN is {}, as neither --state-dsn nor FLOW_STATE_DSN is set)", target.from);
  }
  return dbs;
}

std::string state_dsn_hint(const std::string& state_dsn_option, const std::string& dsn_option) {
  if (state_dsn_option.empty() && (dsn_option.empty() || !env_value("FLOW_STATE_DSN").empty())) return "";
  if (state_dsn_option.empty())
    return "(these commands read the runs where this one's --dsn keeps them: give them that DSN as "
           "--state-dsn, and retry its --dsn, or set FLOW_STATE_DSN)\n";
  return "(these commands read the runs where this one's --state-dsn keeps them: give them the same "
         "--state-dsn, or set FLOW_STATE_DSN)\n";
}

}  // namespace flowc::cli
