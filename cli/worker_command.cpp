// `flowc worker`: find the state database, bind each run the worker takes up
// to this machine (the target's DSN from this machine's environment or
// --dsn, the run's alert routes, a view on stderr), and hand over to
// runtime/exec's serve(). Wiring only.
#include <filesystem>
#include <iostream>
#include <memory>
#include <stop_token>
#include <syncstream>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "cli/run_databases.h"
#include "cli/run_wiring.h"
#include "cli/state_database.h"
#include "runtime/alert/dispatcher.h"
#include "runtime/connect/secrets.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/worker.h"
#include "runtime/materialize/runner.h"
#include "runtime/view/plain_view.h"

namespace flowc::cli {
namespace {

/// One run on this worker: its alert sink and its lines on stderr, each
/// emitted whole (the worker's runs share stderr).
class CliBinding final : public runtime::exec::RunBinding {
 public:
  CliBinding(int64_t run_id, const plan::Plan& plan, const RunDatabases& databases, const std::string& root,
             runtime::TaskRunner& runner)
      : alerts_(alert_options(plan, databases, root)), progress_(std::cerr), view_(progress_, {}, true) {
    progress_ << std::emit_on_flush;
    request = run_request(plan, databases, root, "worker");
    request.runner = &runner;
    request.observer = &view_;
    request.alerts = &alerts_;
    view_.on_run_started(run_id, plan);
  }

 private:
  runtime::alert::AlertDispatcher alerts_;
  std::osyncstream progress_;
  runtime::view::PlainView view_;
};

class CliBinder final : public runtime::exec::RunBinder {
 public:
  CliBinder(const WorkerOptions& options, StateDatabase state, std::string root)
      : options_(options), state_(std::move(state)), root_(std::move(root)) {}

  std::unique_ptr<runtime::exec::RunBinding> bind(int64_t run_id, const plan::Plan& plan,
                                                  std::string& /*error: binding always succeeds*/) override {
    RunOptions run_options;
    // The private cluster is the target too when no DSN is given anywhere.
    run_options.dsn = options_.dsn.empty() && state_.embedded ? state_.dsn : options_.dsn;
    run_options.state_dsn = state_.dsn;
    // Without the target's DSN here, the run is still bound: its command
    // tasks need none, and its SQL tasks fail with the reason through the
    // one failure path, so their owner is alerted and their log says why.
    RunDatabases databases;
    databases.state_dsn = state_.dsn;
    databases.target_dsn = target_dsn_of(plan, run_options);
    std::string no_target;
    if (databases.target_dsn.empty())
      no_target = "no DSN for target `" + plan.target + "` on this worker" +
                  (plan.target_dsn_env.empty() ? std::string(" (pass --dsn)")
                                               : " (set " + plan.target_dsn_env + " or pass --dsn)");
    auto binding = std::make_unique<CliBinding>(run_id, plan, databases, root_, runner_);
    binding->request.no_target_reason = no_target;
    return binding;
  }

 private:
  const WorkerOptions& options_;
  StateDatabase state_;
  std::string root_;
  runtime::PostgresTaskRunner runner_;  // shared by every run: it keeps no state between attempts
};

}  // namespace

int run_worker(const WorkerOptions& options) {
  const std::filesystem::path root = absolute_directory(options.path);
  if (std::error_code ec; !std::filesystem::is_directory(root, ec)) {
    print_error(options.path + (std::filesystem::exists(options.path, ec) ? ": not a directory"
                                                                          : ": no such file or directory"));
    return kExitUsage;
  }
  std::optional<StateDatabase> state =
      find_state_database({options.path, "", options.state_dsn, options.dsn});
  if (!state) return kExitUsage;

  CliBinder binder(options, *state, root.string());
  Interrupts interrupts;
  runtime::exec::WorkerRequest request;
  request.pool.state_dsn = state->dsn;
  request.pool.schema = state->schema;
  request.pool.log_dir = (root / ".flow" / "logs").string();
  request.slots = options.slots;
  request.worker = runtime::exec::default_worker();
  request.binder = &binder;
  request.drain = interrupts.token();
  request.started = [&request] {
    std::cerr
        << "flowc: worker " << request.worker << " with " << request.slots
        << (request.slots == 1 ? " slot" : " slots")
        << " is claiming tasks; SIGINT, SIGTERM or SIGHUP lets the attempts in progress finish, then exits\n";
  };
  // A task failed without running has no run view to say so: one line.
  request.refused = [](const std::string& line) {
    std::osyncstream(std::cerr) << "flowc: " << printable(line) << "\n";
  };
  // Said at once: the attempts in progress may take long to finish.
  std::stop_callback on_drain(request.drain, [&request] {
    std::cerr << "flowc: worker " << request.worker
              << " stopping: claiming nothing more, letting the attempts in progress finish "
              << runtime::kInterruptAgain << "\n";
  });
  runtime::exec::WorkerResult result = runtime::exec::serve(request);
  if (!result.ok) {
    print_error(runtime::without_passwords(result.message, state->dsn));
    return kExitUsage;
  }
  std::cerr << "flowc: worker " << request.worker << " stopped\n";
  return kExitOk;
}

}  // namespace flowc::cli
