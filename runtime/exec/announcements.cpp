#include "runtime/exec/announcements.h"

#include <algorithm>
#include <thread>

#include "runtime/connect/connect.h"

namespace flowc::runtime::exec {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

class Announcements::Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection& connection, const std::string& channel, const OnAnnouncement& on_announcement)
      : pqxx::notification_receiver(connection, channel), on_announcement_(on_announcement) {}
  void operator()(const std::string& payload, int) override {
    if (on_announcement_(state::parse_announcement(payload))) relevant = true;
  }
  bool relevant = false;

 private:
  const OnAnnouncement& on_announcement_;
};

Announcements::Announcements(std::string state_dsn, std::string channel, OnAnnouncement on_announcement)
    : state_dsn_(std::move(state_dsn)), channel_(std::move(channel)), on_announcement_(std::move(on_announcement)) {
  open();
}

Announcements::~Announcements() { close(); }

void Announcements::wait(milliseconds timeout, const std::function<bool()>& done) {
  if (!connection_) open();
  if (!connection_) {
    std::this_thread::sleep_for(std::min(timeout, milliseconds(200)));
    return;
  }
  const auto deadline = SteadyClock::now() + timeout;
  receiver_->relevant = false;
  try {
    // Waiting on the socket costs no round trip.
    while (!receiver_->relevant && !done()) {
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - SteadyClock::now()).count();
      if (left <= 0) break;
      left = std::min<int64_t>(left, 50000);
      connection_->await_notification(static_cast<long>(left / 1000000), static_cast<long>(left % 1000000));
    }
  } catch (const std::exception&) {
    close();
  }
}

void Announcements::open() {
  try {
    connection_ = open_connection(state_dsn_);
    receiver_ = std::make_unique<Receiver>(*connection_, channel_, on_announcement_);
  } catch (const std::exception&) {
    close();
  }
}

void Announcements::close() {
  // Disconnected first: a receiver going away on an open connection sends
  // UNLISTEN and waits for the answer, for ever when the server is wedged.
  // A closed session listens no more anyway.
  if (connection_) connection_->disconnect();
  receiver_.reset();
  connection_.reset();
}

}  // namespace flowc::runtime::exec
