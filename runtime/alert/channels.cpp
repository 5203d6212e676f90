#include "runtime/alert/channels.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "compiler/diagnostics/render.h"
#include "compiler/dsn/withhold.h"
#include "compiler/plan/text.h"
#include "compiler/source/source.h"
#include "runtime/alert/payload.h"
#include "runtime/connect/secrets.h"
#include "runtime/events/nap.h"
#include "runtime/process/process.h"

namespace flowc::runtime::alert {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

/// One try of a channel: ok, or an error and whether another try may help.
struct Try {
  Try() = default;
  Try(bool ok, bool retryable, std::string error, std::string not_retried = "")
      : ok(ok), retryable(retryable), error(std::move(error)), not_retried(std::move(not_retried)) {}
  bool ok = false;
  bool retryable = true;
  std::string error;
  /// Why it is not retried, when the error alone does not say (recorded as
  /// `(1 try, not retried: <why>)`).
  std::string not_retried;
};

/// Whether a file error stays as it is however often it is tried.
bool hopeless(int error) {
  return error == EISDIR || error == ENOTDIR || error == EACCES || error == EPERM || error == EROFS ||
         error == ENAMETOOLONG || error == ELOOP || error == EEXIST;
}

std::string env_value(const std::string& name) {
  const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
  return value ? value : "";
}

/// Every secret value this channel may hold, to be cut out of error text.
std::vector<std::string> secrets_of(const plan::Channel& channel) {
  std::vector<std::string> out;
  if (std::string url = env_value(channel.secret_env); !url.empty()) out.push_back(url);
  for (const std::string& name : channel.env_secrets)
    if (std::string value = env_value(name); !value.empty()) out.push_back(value);
  return out;
}

std::string dump(const json& payload) { return payload.dump(-1, ' ', false, json::error_handler_t::replace); }

fs::path resolve(const std::string& path, const DeliveryOptions& options) {
  fs::path p(path);
  // Normal form: a project in the current directory names `alerts`, not `./alerts`.
  return (p.is_relative() && !options.base_dir.empty() ? fs::path(options.base_dir) / p : p)
      .lexically_normal();
}

size_t discard_body(char*, size_t size, size_t count, void*) { return size * count; }

/// libcurl's progress callback: a non-zero return aborts the transfer.
int stop_requested(void* stop, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::stop_token*>(stop)->stop_requested() ? 1 : 0;
}

Try post_webhook(const plan::Channel& channel, const std::string& body, const DeliveryOptions& options) {
  std::string url = channel.secret_env.empty() ? (channel.args.empty() ? "" : channel.args[0])
                                               : env_value(channel.secret_env);
  if (url.empty()) {
    return {false, false, channel.secret_env.empty() ? "no url" : channel.secret_env + " is not set"};
  }
  // libcurl guesses `http://` for a url without a scheme (`hooks.example.com/x`,
  // or a variable holding a token alone): only what says http or https is sent.
  std::string scheme = url.substr(0, url.find("://") == std::string::npos ? 0 : url.find("://"));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https")
    return {false, false, curl_easy_strerror(CURLE_UNSUPPORTED_PROTOCOL),
            "only http and https urls are sent"};
  // libcurl's global setup is not thread-safe on every build; do it once.
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  CURL* curl = curl_easy_init();
  if (!curl) return {false, true, "cannot initialise libcurl"};
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "flowc-alert/1");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // called from executor threads
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.http_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
  if (options.stop.stop_possible()) {
    // Called about once a second and on every transfer: a stop aborts it.
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &options.stop);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, stop_requested);
  }
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);

  // curl_easy_strerror, never the error buffer: the buffer names the url.
  if (code == CURLE_URL_MALFORMAT) return {false, false, curl_easy_strerror(code), "the url is malformed"};
  if (code == CURLE_UNSUPPORTED_PROTOCOL)
    return {false, false, curl_easy_strerror(code), "only http and https urls are sent"};
  if (code != CURLE_OK) return {false, true, curl_easy_strerror(code)};
  if (status >= 200 && status < 300) return {true, false, ""};
  // A redirect is not followed (the body and its secret would go where the
  // hook's server says), nor tried again: the answer would be the same.
  if (status >= 300 && status < 400)
    return {false, false, fmt::format("HTTP {}", status), "redirects are not followed"};
  bool retryable = status >= 500 || status == 429 || status == 408;
  return {false, retryable, fmt::format("HTTP {}", status)};
}

Try run_command(const plan::Channel& channel, const json& payload, const DeliveryOptions& options) {
  if (channel.args.empty()) return {false, false, "no program"};
  ProcessOptions process;
  process.argv = channel.args;
  // A clean environment, as for command tasks: what a program needs to run,
  // the run's identity, and the secrets the channel names, nothing else.
  for (const char* name : {"PATH", "HOME", "LANG", "LC_ALL", "TZ"})
    if (const char* value = std::getenv(name)) process.env.push_back(fmt::format("{}={}", name, value));
  auto text = [&](const char* key) {
    const json& value = payload.contains(key) ? payload[key] : json();
    return value.is_string() ? value.get<std::string>() : value.is_null() ? std::string() : value.dump();
  };
  process.env.push_back("FLOW_RUN_ID=" + text("run_id"));
  process.env.push_back("FLOW_WORKFLOW=" + text("workflow"));
  process.env.push_back("FLOW_DS=" + text("ds"));
  process.env.push_back("FLOW_TASK=" + text("task"));
  process.env.push_back("FLOW_ALERT_SEVERITY=" + text("severity"));
  for (const std::string& name : channel.env_secrets)
    if (const char* value = std::getenv(name.c_str())) process.env.push_back(name + "=" + value);
  // What it starts inherits this mark, which finds it again after a
  // `setsid` took it out of the process group (kill_orphaned_groups below).
  static std::atomic<uint64_t> deliveries{0};
  const std::string mark = fmt::format("FLOW_ALERT_DELIVERY={}-{}", ::getpid(), ++deliveries);
  process.env.push_back(mark);
  process.cwd = options.base_dir;
  process.stdin_data = dump(payload) + "\n";
  process.timeout = options.command_timeout;
  process.max_output = 64 * 1024;
  // A notifier that backgrounds its real work (`curl ... &`) is ended with
  // it, rather than left to pile up one per alert.
  process.kill_group_on_exit = true;
  process.stop = options.stop;

  ProcessResult result = run_process(process);
  // Its group is gone by now (kill_group_on_exit, or the timeout); what
  // left the group but still holds the mark, with its own group, goes too.
  if (result.started) kill_orphaned_groups({mark});
  if (!result.started) return {false, false, "cannot start: " + result.error};
  if (result.timed_out) return {false, true, fmt::format("timed out after {} ms", options.command_timeout.count())};
  if (result.signal != 0) return {false, true, fmt::format("killed by signal {}", result.signal)};
  if (result.exit_code == 0) return {true, false, ""};
  // The last line the program printed usually says why: masked before it is
  // cut, so that a cut through a secret leaves none of it.
  std::string last =
      message_line(without_secrets(std::string(last_output_line(result.output)), secrets_of(channel)));
  return {false, true, fmt::format("exit {}{}", result.exit_code, last.empty() ? "" : ": " + last)};
}

Try append_jsonl(const plan::Channel& channel, const json& payload, const DeliveryOptions& options) {
  if (channel.args.empty()) return {false, false, "no path"};
  fs::path path = resolve(channel.args[0], options);
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) {
    const bool again = !hopeless(ec.value());
    return {false, again, fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()),
            again ? "" : "another try cannot help"};
  }
  // One write(2) with O_APPEND: lines from concurrent writers never interleave.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int open_errno = errno;
    const bool again = !hopeless(open_errno);
    return {false, again, fmt::format("cannot open {}: {}", path.string(), std::strerror(open_errno)),
            again ? "" : "another try cannot help"};
  }
  std::string line = dump(payload) + "\n";
  ssize_t written = ::write(fd, line.data(), line.size());
  int write_errno = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(line.size())) {
    return {false, true, fmt::format("cannot write {}: {}", path.string(),
                                     written < 0 ? std::strerror(write_errno) : "short write")};
  }
  return {true, false, ""};
}

Try print_block(const json& payload, const DeliveryOptions& options) {
  std::FILE* out = options.err ? options.err : stderr;
  // What a task or server wrote never drives the terminal (cli.md).
  std::string block = printable(render_block(payload), "\n");
  if (std::fwrite(block.data(), 1, block.size(), out) != block.size() || std::fflush(out) != 0)
    return {false, true, "cannot write to stderr"};
  return {true, false, ""};
}

Try try_once(const plan::Channel& channel, const json& payload, const std::string& body,
             const DeliveryOptions& options) {
  switch (channel.kind) {
    case plan::Channel::Kind::Webhook: return post_webhook(channel, body, options);
    case plan::Channel::Kind::Command: return run_command(channel, payload, options);
    case plan::Channel::Kind::Jsonl: return append_jsonl(channel, payload, options);
    case plan::Channel::Kind::Stderr: return print_block(payload, options);
  }
  return {false, false, "unknown channel"};
}

}  // namespace

std::string describe(const plan::Channel& channel) {
  std::string kind(plan::to_string(channel.kind));
  switch (channel.kind) {
    case plan::Channel::Kind::Webhook:
      if (!channel.secret_env.empty()) return kind + " env(" + channel.secret_env + ")";
      // A url written in the file may carry its token (a chat service's path, `?token=`): withheld.
      return channel.args.empty() ? kind : kind + " " + dsn::withhold_secrets(channel.args[0]);
    case plan::Channel::Kind::Command:
    case plan::Channel::Kind::Jsonl: return channel.args.empty() ? kind : kind + " " + channel.args[0];
    case plan::Channel::Kind::Stderr: return kind;
  }
  return kind;
}

Delivery deliver(const plan::Channel& channel, const json& payload, const DeliveryOptions& options) {
  Delivery delivery;
  try {
    const std::string body = channel.kind == plan::Channel::Kind::Webhook ? dump(payload) : std::string();
    std::chrono::milliseconds wait = options.backoff;
    const uint32_t tries = std::max<uint32_t>(1, options.tries);
    Try last;
    while (delivery.tries < tries) {
      if (delivery.tries > 0) {
        if (!nap(options.stop, wait)) break;
        wait *= 2;
      }
      ++delivery.tries;
      last = try_once(channel, payload, body, options);
      if (last.ok || !last.retryable || options.stop.stop_requested()) break;
    }
    delivery.ok = last.ok;
    delivery.stopped = !last.ok && options.stop.stop_requested();
    if (delivery.stopped) last.error = "stopped";
    if (!last.ok) {
      delivery.error = without_secrets(
          fmt::format("{}: {} ({} {}{})", describe(channel), last.error, delivery.tries,
                      delivery.tries == 1 ? "try" : "tries",
                      last.not_retried.empty() ? "" : ", not retried: " + last.not_retried),
          secrets_of(channel));
    }
  } catch (const std::exception& e) {
    delivery.ok = false;
    delivery.error = without_secrets(describe(channel) + ": " + e.what(), secrets_of(channel));
  } catch (...) {
    delivery.ok = false;
    delivery.error = describe(channel) + ": unknown error";
  }
  return delivery;
}

std::chrono::milliseconds longest_delivery(const plan::Channel& channel, const DeliveryOptions& options) {
  using std::chrono::milliseconds;
  // A local write (jsonl, stderr) has no timeout of its own; a command's
  // group is killed at its timeout and what it printed is then read.
  milliseconds per_try{5000};
  if (channel.kind == plan::Channel::Kind::Webhook) per_try = options.connect_timeout + options.http_timeout;
  if (channel.kind == plan::Channel::Kind::Command) per_try = options.command_timeout + milliseconds(5000);
  const uint32_t tries = std::max<uint32_t>(1, options.tries);
  milliseconds backoffs{0};
  milliseconds wait = options.backoff;
  for (uint32_t i = 1; i < tries; ++i, wait *= 2) backoffs += wait;
  return per_try * tries + backoffs;
}

}  // namespace flowc::runtime::alert
