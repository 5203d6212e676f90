// The JSON form of a Plan: what `flowc plan --format json` prints, what the
// state database stores with a run, and what the plan hash is computed over.
// It round-trips exactly: plan_from_json(to_json(p)) == p.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/plan/plan.h"

namespace flowc::plan {

/// The plan as JSON, fields in declaration order, enums as their names.
nlohmann::ordered_json to_json(const Plan& plan);

/// Reads a plan written by to_json. Returns std::nullopt and sets `error`
/// (naming the offending field when it can, never in the JSON library's
/// words) when the document is not such a plan, or is a discarded value (a
/// `parse(text, nullptr, false)` of text that is not JSON).
std::optional<Plan> plan_from_json(const nlohmann::json& json, std::string& error);

/// A stable hex hash (FNV-1a 64) of the JSON form without the `hash` field:
/// equal plans hash equal on every machine and in every run.
std::string plan_hash(const Plan& plan);

}  // namespace flowc::plan
