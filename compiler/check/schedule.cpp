// What a workflow's `schedule` promises and cannot keep.
// W0407: a workflow schedule that fires more than once a day. A run is one
// (workflow, ds, env) and `ds` is a date, so whatever the schedule says a
// workflow runs once a day: `flowc schedule` starts the run of day D at D's
// second fire, when the first interval that began on D closes, and the other
// fires start nothing. Said at the schedule, before anyone relies on it.
// E0309: a scheduled workflow's param without a default. `flowc schedule`
// has no value to give it (`--param` is for runs started by hand), so every
// fire would fail to start its run, and no run means no failure alert.
#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"
#include "compiler/cron/cron.h"
#include "compiler/spelling/spelling.h"

namespace flowc::check {

std::vector<int64_t> first_fires(const cron::CronSpec& spec, size_t count) {
  std::vector<int64_t> out;
  for (int h = 0; h < 24 && out.size() < count; ++h) {
    if (!spec.hours.test(static_cast<size_t>(h))) continue;
    for (int m = 0; m < 60 && out.size() < count; ++m)
      if (spec.minutes.test(static_cast<size_t>(m))) out.push_back(h * 3600 + m * 60);
  }
  return out;
}

std::optional<int64_t> daily_run_start(const cron::CronSpec& spec) {
  std::vector<int64_t> fires = first_fires(spec, 2);
  if (fires.empty()) return std::nullopt;
  return fires.back();  // the second fire when there are two (W0407), else the one
}

namespace {}  // namespace

void Checker::check_schedules() {
  for (uint32_t w = 0; w < model.workflows.size(); ++w) {
    const model::Workflow& wf = model.workflows[w];
    if (wf.schedule.empty() || !workflow_sites[w].schedule.valid()) continue;
    for (const model::Param& param : wf.params) {
      // `ds` is the schedule's own (the fire's day); a secret comes from its env().
      if (param.default_value || param.name == "ds" || param.type.kind == model::TypeKind::Secret) continue;
      Diagnostic& d = diags.report(
          DiagKind::ScheduledParamNoDefault, model.symbol(param.symbol).name_range,
          fmt::format(
              "param `{}` has no default, but workflow `{}` is scheduled: `flowc schedule` has no value to "
              "give it",
              param.name, wf.name));
      d.notes.push_back({workflow_sites[w].schedule, "the workflow is scheduled here"});
      d.helps.push_back(
          fmt::format("give it a default (`param {}: {} = ...`), or remove the `schedule` and run the "
                      "workflow with `flowc run --param {}=VALUE`",
                      param.name, model::type_name(param.type), param.name));
    }
    cron::CronError error;
    std::optional<cron::CronSpec> spec = cron::parse(wf.schedule, error);
    if (!spec) continue;
    const size_t per_day = spec->minutes.count() * spec->hours.count();
    if (per_day <= 1) continue;
    std::vector<int64_t> fires = first_fires(*spec, 2);
    Diagnostic& d = diags.report(
        DiagKind::SubDailySchedule, workflow_sites[w].schedule,
        fmt::format("schedule `{}` fires {} times a day, but a workflow runs once per day (`ds` is a date)",
                    wf.schedule, per_day));
    d.notes.push_back(
        {SourceRange{}, fmt::format("`flowc schedule` starts the run of a day at its fire at {}, when "
                                    "the first interval of that day closes; its other fires start nothing",
                                    spelling::time_of_day_text(fires[1]))});
    d.helps.push_back(fmt::format("fire once a day, e.g. `cron(\"{} {} * * *\")`", (fires[0] / 60) % 60,
                                  fires[0] / 3600));
  }
}

}  // namespace flowc::check
