// Model -> Plan: one Plan per (workflow, ds, env), the exact thing the
// runtime runs. A pure function of the checked model: physical table names
// (environment suffix, mirror schemas), SQL with `${}` resolved to quoted
// tables and `$n::type` bound parameters, one batched metric query per
// table, condition trees, impact and mirror parity. See docs/architecture.md
// ("Plans") for the decisions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/model/model.h"
#include "compiler/plan/plan.h"
#include "compiler/source/source.h"

namespace flowc::lower {

/// What one run is for.
struct LowerOptions {
  std::string ds;   // YYYY-MM-DD: the value of `ds` and of every `logical_date` default
  std::string env;  // "" = production; else an environment of the workflow's target
  /// Values for params, by name, as given on the command line (`--param
  /// NAME=VALUE`) and spelled as the param's literal would be (`5%`,
  /// `1h30m`); they override defaults, and a param without a default needs
  /// one. `ds` is taken from `ds` above; check_options refuses an unknown
  /// name, `ds`, a secret and a value that is not of the param's type.
  std::vector<std::pair<std::string, std::string>> params;
  /// When set, plan::Origin files are written relative to this directory, so
  /// a plan (and its hash) does not depend on where the project is checked out.
  std::string root;
  /// Values for params as a plan bound them (plan::BoundParam::value: `5`
  /// for `5%`), by name: a stored run's, to lower its workflow again as it
  /// ran. Taken as they are, after `params`; the caller gives only params
  /// the workflow declares with the same SQL type.
  std::vector<std::pair<std::string, std::string>> bound;
};

/// The PostgreSQL type a param of `type` binds as (language.md §7.1).
std::string sql_type_of(model::TypeKind type);

/// How a value a param of `type` bound (plan::BoundParam::value) is given
/// with `--param` so that it binds the same: `5%` for a percent's `5`,
/// other values as they are. std::nullopt when no spelling binds it.
std::optional<std::string> param_literal(model::TypeKind type, const std::string& bound);

/// Checks `options` against the workflow: `ds` a real date, `env` one of the
/// target's environments, every param without a default given a value.
/// Returns "" when lowering may proceed, else one line saying what is wrong.
std::string check_options(const model::Model& model, model::WorkflowId workflow, const LowerOptions& options);

/// Lowers one workflow of an error-free model. `options` must pass
/// check_options. `sources` turns source ranges into plan::Origin and gives
/// the `ready` expressions as written. Never throws.
plan::Plan lower(const model::Model& model, model::WorkflowId workflow, const LowerOptions& options,
                 const SourceManager& sources);

}  // namespace flowc::lower
