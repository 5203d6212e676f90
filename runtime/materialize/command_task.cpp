// One attempt of a command task: argv without a shell, in the project
// directory, with a clean environment (docs/tasks.md lists it), its output
// streamed into the attempt log; its whole process group is killed on
// timeout, when the lease is lost, and when the command exits. Then, when
// it exited 0, its expectations on the table it `writes`.
#include <cstdlib>

#include <fmt/format.h>

#include "runtime/materialize/sql_session.h"
#include "runtime/process/process.h"

namespace flowc::runtime::materialize_detail {

namespace {

/// The only names taken from the parent besides the task's secrets: enough
/// to find programs and format dates the same way, nothing that leaks.
constexpr const char* kInherited[] = {"PATH", "HOME", "LANG", "TZ"};

/// The task's expectations on its `writes`, once the command exited 0
/// (`succeeded`): one read-only transaction on the target. What the command
/// wrote is committed and stays whatever they find (language.md §10.1); an
/// error-level failure fails the attempt, without retry, and a warn-level
/// one is recorded and alerted, as for a SQL task.
AttemptResult check_output(const AttemptContext& context, AttemptLog& log, AttemptResult succeeded) {
  AttemptContext connected = context;
  std::string error;
  if (connected.target == nullptr && context.connect_target) connected.target = context.connect_target(error);
  if (connected.target == nullptr) {
    // A connection that failed may work on the next attempt; no target DSN
    // at all (a worker started without one) will not.
    AttemptResult failed;
    failed.error_class = context.connect_target ? ErrorClass::Transient : ErrorClass::Permanent;
    if (context.connect_target) failed.sqlstate = "08006";
    failed.exit_code = succeeded.exit_code;
    failed.message = "the command succeeded, but its expectations cannot be checked: " +
                     (!error.empty()                      ? log.scrub(error)
                      : !context.no_target_reason.empty() ? context.no_target_reason
                                                          : std::string("the run has no target database"));
    log.line("error: " + failed.message);
    return failed;
  }
  const plan::Task& task = context.plan->tasks[context.task];
  return on_target(connected, log,
                   [&](std::optional<Clock::time_point> deadline, const QueryWatchdog& watchdog) {
                     AttemptResult result = succeeded;
                     try {
                       pqxx::read_transaction tx(*connected.target, "flowc_command_checks");
                       SqlSession s(tx, log, deadline, context.stop);
                       if (run_expectations(s, task, connected, result)) tx.commit();
                       return result;
                     } catch (...) {
                       AttemptResult failed =
                           failure_from_exception(connected, log, watchdog, connected.target->is_open());
                       failed.exit_code = succeeded.exit_code;
                       failed.expectations = std::move(result.expectations);
                       if (!connected.target->is_open()) failed.reconnect = true;
                       return failed;
                     }
                   });
}

/// A mirror or environment run's output schema (`dash__mirror`), created
/// before the command runs, as a SQL task's is: flowc derived the name and
/// passes it in FLOW_OUTPUT, so the command cannot be expected to create
/// it. A production schema is the command's own. False, with `result` the
/// attempt's failure, when the target cannot be reached or the schema not
/// created; true otherwise (also without a target: then FLOW_OUTPUT names a
/// table of some other database, which flowc cannot reach).
bool prepare_output_schema(const AttemptContext& context, AttemptLog& log, AttemptResult& result) {
  const plan::Plan& plan = *context.plan;
  const plan::Task& task = plan.tasks[context.task];
  if (!task.output || task.output->schema.empty() || (plan.stage != plan::Stage::Mirror && plan.env.empty()))
    return true;
  std::string error;
  pqxx::connection* target = context.target;
  if (target == nullptr && context.connect_target) target = context.connect_target(error);
  if (target == nullptr) {
    if (!context.connect_target) return true;
    result.error_class = ErrorClass::Transient;
    result.sqlstate = "08006";
    result.message = "cannot create schema " + task.output->schema + " for FLOW_OUTPUT: " + log.scrub(error);
    log.line("error: " + result.message);
    return false;
  }
  try {
    ensure_schema(*target, task.output->schema, log);
    return true;
  } catch (const std::exception& e) {
    result.error_class = target->is_open() ? ErrorClass::Permanent : ErrorClass::Transient;
    result.message = "cannot create schema " + task.output->schema +
                     " for FLOW_OUTPUT: " + runtime::message_line(log.scrub(e.what()));
    log.line("error: " + result.message);
    return false;
  }
}

}  // namespace

AttemptResult run_command_task(const AttemptContext& context, AttemptLog& log) {
  const plan::Plan& plan = *context.plan;
  const plan::Task& task = plan.tasks[context.task];
  AttemptResult result;
  result.outcome = AttemptResult::Outcome::Failed;
  result.error_class = ErrorClass::Permanent;
  // Whatever the command prints, these never reach the log or a message.
  log.redact(context.target_dsn);

  std::vector<std::string> env;
  for (const char* name : kInherited)
    if (const char* value = std::getenv(name)) env.push_back(fmt::format("{}={}", name, value));
  // Which task instance the command is: also how the next attempt finds
  // what an earlier one left running when its flowc died (below).
  const std::vector<std::string> identity =
      command_identity(context.run_id, plan, task.name, context.project_dir);
  env.insert(env.end(), identity.begin(), identity.end());
  // This attempt's mark beside the instance's: what it left behind is found by both (below).
  const std::string attempt_mark = fmt::format("FLOW_ATTEMPT={}", context.attempt);
  env.push_back(attempt_mark);
  env.push_back("FLOW_STAGE=" + std::string(plan::to_string(plan.stage)));
  env.push_back(runtime::runner_mark());
  // Where the command loads its `writes`, after the environment and mirror
  // mapping: in a mirror run, the mirror table. flowc cannot redirect what a
  // command writes itself, so this is how it stays off production tables.
  if (task.output) env.push_back("FLOW_OUTPUT=" + quote_table(*task.output));
  bool wants_dsn = false;
  for (const std::string& name : task.env_secrets) {
    // The target's own DSN variable means the DSN the run resolved (--dsn,
    // the variable, or the private cluster), passed under both names.
    bool target_dsn = name == "FLOW_TARGET_DSN" || (!plan.target_dsn_env.empty() && name == plan.target_dsn_env);
    if (target_dsn) {
      wants_dsn = true;
      if (name != "FLOW_TARGET_DSN" && !context.target_dsn.empty()) env.push_back(name + "=" + context.target_dsn);
      continue;
    }
    const char* value = std::getenv(name.c_str());
    if (!value) {
      result.message = fmt::format("the environment variable {} (a secret the command asks for) is not set", name);
      log.line("error: " + result.message);
      return result;
    }
    log.redact(value);
    env.push_back(fmt::format("{}={}", name, value));
  }
  if (wants_dsn) {
    if (context.target_dsn.empty()) {
      result.message = "the command asks for the target DSN, but the run has none";
      log.line("error: " + result.message);
      return result;
    }
    env.push_back("FLOW_TARGET_DSN=" + context.target_dsn);
  }

  runtime::ProcessOptions options;
  options.argv = task.argv;
  options.env = std::move(env);
  options.cwd = context.project_dir;
  if (task.timeout_seconds > 0) options.timeout = std::chrono::seconds(task.timeout_seconds);
  options.stop = context.stop;
  // Into the log as it comes, so `tail -f` follows a long command and a
  // crash of flowc leaves the output up to it.
  size_t output_bytes = 0;
  std::string tail;  // the output's end: its last line says why a command failed
  options.on_output = [&](std::string_view chunk) {
    output_bytes += chunk.size();
    log.output(chunk);
    tail.append(chunk);
    if (tail.size() > 8192) tail.erase(0, tail.size() - 4096);
  };
  // The attempt owns nothing once its command exited: a background child
  // left running would run beside the next attempt of the task.
  options.kill_group_on_exit = true;
  log.line("command: " + plan::shell_words(task.argv));
  log.line("directory: " + (context.project_dir.empty() ? std::string("(inherited)") : context.project_dir));
  std::string names;
  for (const std::string& e : options.env) names += (names.empty() ? "" : " ") + e.substr(0, e.find('='));
  log.line("environment: " + names);

  if (!prepare_output_schema(context, log, result)) return result;

  // A flowc killed with -9 (or a machine's worker lost) leaves its command
  // running in its own process group; on this machine, the next attempt
  // ends it first, so the two never run side by side.
  if (context.attempt > 1)
    if (int killed = runtime::kill_orphaned_groups(identity))
      log.line(fmt::format("killed {} process group{} left running by an earlier attempt of this task (its flowc "
                           "was gone)",
                           killed, killed == 1 ? "" : "s"));

  auto start = std::chrono::steady_clock::now();
  runtime::ProcessResult r = runtime::run_process(options);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  log.end_output(/*cut_short=*/r.dropped_output > 0);
  if (!r.started) {
    result.message = log.scrub("cannot start: " + r.error);
    log.line("error: " + result.message);
    return result;
  }
  log.line(fmt::format("output: {} bytes{}", output_bytes,
                       r.dropped_output ? fmt::format(", {} more dropped (only the first {} are kept)", r.dropped_output,
                                                      options.max_output)
                                        : ""));
  if (r.killed_leftovers) log.line("the command exited, but processes it started still ran: its process group was killed");
  // What left the group (`setsid`, a daemon) still carries this attempt's
  // environment. Looked for only when the attempt was cut short or left
  // something behind: a look at every process of the machine after each
  // command would cost more than a `true` task itself (docs/tasks.md).
  if (r.timed_out || r.cancelled || r.killed_leftovers) {
    std::vector<std::string> this_attempt = identity;
    this_attempt.push_back(attempt_mark);
    if (int killed = runtime::kill_orphaned_groups(this_attempt))
      log.line(fmt::format("killed {} process group{} the command started outside its own (setsid)", killed,
                           killed == 1 ? "" : "s"));
  }
  result.exit_code = r.signal ? 128 + r.signal : r.exit_code;
  log.line(fmt::format("finished in {} ms: {}", ms,
                       r.signal ? fmt::format("killed by signal {}", r.signal) : fmt::format("exit {}", r.exit_code)));
  if (r.cancelled) {
    mark_cancelled(result);  // killed by us on lease loss: another attempt may follow
  } else if (r.timed_out || r.signal != 0 || r.exit_code != 0) {
    result.error_class = classify_exit(r.exit_code, r.signal, r.timed_out);
    result.message = r.timed_out ? fmt::format("timed out after {}s; its process group was killed", task.timeout_seconds)
                     : r.signal  ? fmt::format("killed by signal {}", r.signal)
                                 : fmt::format("exited with {}", r.exit_code);
    if (result.error_class == ErrorClass::Transient) result.message += " (EX_TEMPFAIL: transient)";
    // What it said last, masked as the log is (before the cut and the
    // escapes, which would hide a secret from the mask): the page says why
    // without a second step.
    if (std::string_view last = runtime::last_output_line(tail); !last.empty() && !r.timed_out)
      result.message += ": " + runtime::message_line(log.scrub(last));
  } else {
    result.outcome = AttemptResult::Outcome::Succeeded;
    result.error_class = ErrorClass::None;
    if (!task.checks.empty()) return check_output(context, log, result);
  }
  return result;
}

}  // namespace flowc::runtime::materialize_detail
