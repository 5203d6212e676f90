// What an alert says, built without any I/O: which route an incident goes
// to, its dedupe key, the JSON payload every channel receives, and the two
// human renderings of it (the Slack `text` line and the stderr block). Pure
// functions, so the whole content of a page is unit-tested in microseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/plan/plan.h"
#include "runtime/events/events.h"

namespace flowc::runtime::alert {

/// The run an alert belongs to, as the sink was told; empty fields fall back
/// to the plan's (workflow, ds) and run_id 0 to the incident's.
struct RunIdentity {
  int64_t run_id = 0;
  std::string workflow;
  std::string ds;
};

/// The alert spec an incident is raised with: Failure → plan.on_failure,
/// Warning → on_warning, Late → on_late, Parity → on_failure. Nullopt when
/// the plan has no such spec or its route index is out of range.
std::optional<plan::AlertSpec> spec_for(const plan::Plan& plan, const Incident& incident);

/// Whether `spec` (of spec_for) is below its route's min_severity: such an
/// alert is recorded as suppressed, never sent (language.md).
bool below_min_severity(const plan::Plan& plan, const plan::AlertSpec& spec);

/// "failure", "warning", "late" or "parity".
std::string_view to_string(Incident::Kind kind);

/// `route/workflow/task/class`: the class is the error class of a failure
/// ("permanent", "timeout", ...) and the incident kind otherwise ("warning",
/// "late", "parity"), so a warning never hides a failure of the same task.
std::string dedup_key(const plan::Plan& plan, const plan::AlertSpec& spec, const Incident& incident,
                      const RunIdentity& run = {});

/// The payload every channel receives (docs/alerts.md lists its fields),
/// including the Slack-compatible `text`. Never holds a secret: channels and
/// their urls are not part of it.
nlohmann::ordered_json build_payload(const plan::Plan& plan, const plan::AlertSpec& spec, const Incident& incident,
                             const RunIdentity& run = {});

/// One or two lines for chat, from a payload's fields (the `text` field),
/// with `&`, `<` and `>` escaped as Slack's message format requires.
std::string slack_text(const nlohmann::ordered_json& payload);

/// The multi-line block the stderr channel prints, from a payload.
std::string render_block(const nlohmann::ordered_json& payload);

using runtime::format_utc;  // events.h

}  // namespace flowc::runtime::alert
