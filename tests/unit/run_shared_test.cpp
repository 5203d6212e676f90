// RunShared::emit: what reaches the operator view when the same task is
// announced by an executor and by the scheduler reading the run back, in
// either order: a task's states are told in order, its final state once.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/exec/run_shared.h"

using namespace flowc::runtime;

namespace {

class Recorder : public RunObserver {
 public:
  void on_task(const TaskEvent& event) override {
    told.push_back(std::to_string(event.task) + " " + std::string(to_string(event.state)) + " " +
                   std::to_string(event.attempt));
  }
  std::vector<std::string> told;
};

struct Fixture {
  flowc::plan::Plan plan;
  Recorder recorder;
  exec::RunRequest request;
  Fixture() {
    plan.tasks.resize(2);
    plan.tasks[0].name = "a";
    plan.tasks[1].name = "b";
    plan.tasks[1].deps = {0};
    request.plan = &plan;
    request.observer = &recorder;
  }
};

}  // namespace

TEST_CASE("a row read before a claim does not take the task back to ready once it runs") {
  Fixture f;
  exec::RunShared run(f.request, 1, Clock::now());
  run.emit(0, TaskState::Ready, 0, "", "");
  run.emit(0, TaskState::Running, 1, "", "/logs/a.1.log");
  run.emit(0, TaskState::Ready, 0, "", "");    // the scheduler's older read
  run.emit(0, TaskState::Pending, 0, "", "");  // older still
  run.emit(0, TaskState::RetryWait, 1, "boom", "/logs/a.1.log");
  run.emit(0, TaskState::Ready, 1, "", "");    // the retry timer's promotion: a step back
  run.emit(0, TaskState::Running, 2, "", "/logs/a.2.log");
  run.emit(0, TaskState::Running, 1, "", "");  // an earlier attempt
  run.emit(0, TaskState::Succeeded, 2, "", "");
  CHECK(f.recorder.told == std::vector<std::string>{"0 ready 0", "0 running 1", "0 retry_wait 1", "0 running 2",
                                                    "0 succeeded 2"});
}

TEST_CASE("a final state is told once, and nothing after it") {
  Fixture f;
  exec::RunShared run(f.request, 1, Clock::now());
  run.emit(0, TaskState::Failed, 1, "boom", "");
  run.emit(1, TaskState::UpstreamFailed, 0, "upstream a failed", "");  // the executor that blocked it
  run.emit(1, TaskState::UpstreamFailed, 0, "upstream a failed", "");  // the scheduler's read of the row
  run.emit(0, TaskState::Failed, 1, "boom", "");
  run.emit(0, TaskState::Running, 2, "", "");
  CHECK(f.recorder.told == std::vector<std::string>{"0 failed 1", "1 upstream_failed 0"});
}

TEST_CASE("a readiness wait after the attempt's start is told: the same step") {
  Fixture f;
  exec::RunShared run(f.request, 1, Clock::now());
  run.emit(0, TaskState::Running, 1, "", "");
  run.emit(0, TaskState::Waiting, 1, "not ready", "");
  run.emit(0, TaskState::Succeeded, 3, "", "");
  CHECK(f.recorder.told == std::vector<std::string>{"0 running 1", "0 waiting 1", "0 succeeded 3"});
}
