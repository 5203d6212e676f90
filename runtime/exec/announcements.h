// Internal to runtime/exec: the LISTEN session on a state schema's channel,
// where every finish that leaves work for others, and every new run, is
// announced ("<run id> <lease owner>", state::parse_announcement). `flowc
// run` waits on it between reads of its run; `flowc worker` waits on it
// while it claims. Polling is everyone's fallback: while the state database
// is away the session is reopened at the next wait, and a wait meanwhile
// just sleeps.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "runtime/state/store.h"

namespace flowc::runtime::exec {

class Announcements {
 public:
  /// Told of each announcement (nullopt for a payload it cannot read);
  /// returns whether it ends the current wait.
  using OnAnnouncement = std::function<bool(const std::optional<state::Announcement>&)>;

  /// Listens at once, so that nothing announced after this returns is missed.
  Announcements(std::string state_dsn, std::string channel, OnAnnouncement on_announcement);
  ~Announcements();
  Announcements(const Announcements&) = delete;
  Announcements& operator=(const Announcements&) = delete;

  /// Waits up to `timeout` for an announcement that ends the wait, or until
  /// `done()` (looked at every 50 ms: a finish may be counted just after its
  /// NOTIFY arrived). Without a session it sleeps min(timeout, 200 ms).
  void wait(std::chrono::milliseconds timeout, const std::function<bool()>& done);

 private:
  class Receiver;
  void open();
  void close();

  std::string state_dsn_;
  std::string channel_;
  OnAnnouncement on_announcement_;
  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<Receiver> receiver_;  // destroyed before its connection
};

}  // namespace flowc::runtime::exec
