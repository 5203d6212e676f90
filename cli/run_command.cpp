// `flowc run`: compile, lower, resolve the databases, then hand the plan to
// the runtime with its runner, alerts and operator view. Wiring only.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stop_token>
#include <thread>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/local_cluster.h"
#include "cli/plan_load.h"
#include "cli/run_databases.h"
#include "compiler/plan/json.h"
#include "compiler/plan/render.h"
#include "runtime/alert/dispatcher.h"
#include "runtime/exec/exec.h"
#include "runtime/materialize/runner.h"
#include "runtime/view/view.h"

namespace flowc::cli {
namespace {

/// Set by SIGINT/SIGTERM; a watcher thread turns it into a stop request
/// (request_stop is not async-signal-safe, an atomic store is).
std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) { interrupted.store(true); }

/// Turns Ctrl-C into a cancellation of the run for as long as it lives.
class InterruptWatch {
 public:
  InterruptWatch() {
    interrupted.store(false);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    watcher_ = std::jthread([this](std::stop_token done) {
      while (!done.stop_requested()) {
        if (interrupted.load()) {
          source_.request_stop();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  ~InterruptWatch() {
    watcher_.request_stop();
    watcher_.join();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  [[nodiscard]] std::stop_token token() const { return source_.get_token(); }
  [[nodiscard]] bool fired() const { return source_.stop_requested(); }

 private:
  std::stop_source source_;
  std::jthread watcher_;
};

}  // namespace

int run_run(const RunOptions& options) {
  int exit_code = kExitOk;
  std::optional<LoadedPlan> loaded = load_plan(options.selection, exit_code);
  if (!loaded) return exit_code;
  const plan::Plan& plan = loaded->plan;

  if (plan.stage == plan::Stage::Model && plan.env.empty()) {
    print_error("workflow `" + plan.workflow +
                "` is in stage `model`: it may run only in a non-production environment (pass --env)");
    return kExitUsage;
  }
  if (options.dry_run) {
    plan::render_human(plan, std::cout);
    std::cerr << "flowc: --dry-run: nothing was executed\n";
    return kExitOk;
  }

  std::optional<RunDatabases> databases = resolve_databases(plan, options, loaded->root);
  if (!databases) return kExitUsage;

  const char* term = std::getenv("TERM");
  bool terminal = ::isatty(STDERR_FILENO) != 0 && term != nullptr && std::string_view(term) != "dumb";
  std::unique_ptr<runtime::RunObserver> observer =
      runtime::view::make_view(std::cerr, terminal, runtime::view::live_options_for(STDERR_FILENO));
  runtime::PostgresTaskRunner runner;
  runtime::alert::AlertSinkOptions alert_options;
  alert_options.state_dsn = databases->state_dsn;
  alert_options.state_schema = plan.state_schema;
  alert_options.workflow = plan.workflow;
  alert_options.ds = plan.ds;
  alert_options.delivery.base_dir = loaded->root;
  runtime::alert::AlertDispatcher alerts(std::move(alert_options));

  InterruptWatch interrupt;
  runtime::exec::RunRequest request;
  request.plan = &plan;
  request.plan_json = plan::to_json(plan).dump();
  request.state_dsn = databases->state_dsn;
  request.target_dsn = databases->target_dsn;
  request.state_is_target = databases->state_dsn == databases->target_dsn;
  request.trigger = "manual";
  request.log_dir = (std::filesystem::path(loaded->root) / ".flow" / "logs").string();
  request.project_dir = loaded->root;
  request.concurrency = options.concurrency;
  request.runner = &runner;
  request.observer = observer.get();
  request.alerts = &alerts;
  request.cancel = interrupt.token();

  runtime::exec::RunResult result = runtime::exec::execute_run(request);
  switch (result.outcome) {
    case runtime::exec::RunResult::Outcome::Refused:
      print_error(result.message);
      return kExitUsage;
    case runtime::exec::RunResult::Outcome::Error:
      print_error(result.message);
      return kExitUsage;
    case runtime::exec::RunResult::Outcome::Finished: break;
  }
  runtime::view::print_summary(result.summary, plan, std::cout);
  if (interrupt.fired()) std::cerr << "flowc: interrupted: the run was stopped and recorded as failed\n";
  return result.summary.status == runtime::RunStatus::Succeeded ? kExitOk : kExitFailed;
}

}  // namespace flowc::cli
