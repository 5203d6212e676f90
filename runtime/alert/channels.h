// Delivering one alert payload over one channel: webhook (HTTP POST with
// libcurl), command (argv, JSON on stdin), jsonl (one appended line) and
// stderr (one readable block). Each delivery is retried a bounded number of
// times, never throws, and reports errors with every secret redacted.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/plan/plan.h"

namespace flowc::runtime::alert {

/// How hard and how long a channel is tried.
struct DeliveryOptions {
  uint32_t tries = 3;                                  // attempts per channel, at least 1
  std::chrono::milliseconds backoff{200};              // before the 2nd try; doubled after
  std::chrono::milliseconds connect_timeout{3000};     // webhook: TCP/TLS connect
  std::chrono::milliseconds http_timeout{10000};       // webhook: whole request
  std::chrono::milliseconds command_timeout{30000};    // command: the process group is killed after
  std::string base_dir;                                // relative jsonl paths and commands' cwd; "" = cwd
  std::FILE* err = stderr;                             // where the stderr channel prints
  /// A stop request ends a delivery where it is (a command's group killed,
  /// a webhook request aborted, no further try): it fails, `stopped`. Only
  /// a resend asks for it; a run's own alerts are always waited for.
  std::stop_token stop{};
};

/// The outcome of delivering one payload over one channel.
struct Delivery {
  bool ok = false;
  uint32_t tries = 0;
  std::string error;  // "" when ok; never holds a secret url or secret env value
  bool stopped = false;  // ended by DeliveryOptions::stop, not by the channel
};

/// The channel for people and for the alerts table's error text:
/// `webhook https://host/path`, `webhook env(SLACK_URL)` when the url is a
/// secret (its value is never shown), `command notify.sh`, `jsonl path`,
/// `stderr`.
std::string describe(const plan::Channel& channel);

/// Sends the payload over the channel, retrying failures up to
/// options.tries times with a doubling backoff (not 4xx answers, a missing
/// secret or a program that cannot start: those cannot get better). Never
/// throws.
Delivery deliver(const plan::Channel& channel, const nlohmann::ordered_json& payload, const DeliveryOptions& options);

/// The longest deliver() can take for this channel: every try timing out,
/// with the backoffs between them. Beyond it, a delivery still recorded
/// `sending` was interrupted.
std::chrono::milliseconds longest_delivery(const plan::Channel& channel, const DeliveryOptions& options);

}  // namespace flowc::runtime::alert
