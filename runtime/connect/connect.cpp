#include "runtime/connect/connect.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <libpq-fe.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "compiler/dsn/quote.h"
#include "compiler/source/ascii.h"
#include "runtime/connect/secrets.h"

namespace flowc::runtime {

namespace {

constexpr int kIdleSeconds = 60;
constexpr int kIntervalSeconds = 10;
constexpr int kProbes = 6;
constexpr unsigned kUnacknowledgedMs = 120'000;

}  // namespace

bool notice_dead_peer(int socket) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (socket < 0 || ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length) != 0) return false;
  if (address.ss_family != AF_INET && address.ss_family != AF_INET6) return false;
  const int on = 1;
  bool ok = ::setsockopt(socket, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == 0;
  ok = ::setsockopt(socket, IPPROTO_TCP, TCP_KEEPIDLE, &kIdleSeconds, sizeof kIdleSeconds) == 0 && ok;
  ok = ::setsockopt(socket, IPPROTO_TCP, TCP_KEEPINTVL, &kIntervalSeconds, sizeof kIntervalSeconds) == 0 && ok;
  ok = ::setsockopt(socket, IPPROTO_TCP, TCP_KEEPCNT, &kProbes, sizeof kProbes) == 0 && ok;
  ok = ::setsockopt(socket, IPPROTO_TCP, TCP_USER_TIMEOUT, &kUnacknowledgedMs, sizeof kUnacknowledgedMs) == 0 && ok;
  return ok;
}

std::string with_connect_timeout(const std::string& dsn, int64_t seconds) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    return dsn;
  }
  // libpq reads 0 or less as "wait forever"; a shorter one stays.
  auto shorter = [&](const char* text) {
    const long long value = text == nullptr ? 0 : std::atoll(text);
    return value > 0 && value <= seconds;
  };
  bool set = false;
  std::string out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string value = o->val;
    if (std::string_view(o->keyword) == "connect_timeout") {
      set = true;
      if (!shorter(o->val)) value = std::to_string(seconds);
    }
    out += (out.empty() ? "" : " ") + std::string(o->keyword) + "=" + dsn::quote_value(value);
  }
  PQconninfoFree(options);
  if (!set && !shorter(std::getenv("PGCONNECT_TIMEOUT")))
    out += (out.empty() ? "" : " ") + std::string("connect_timeout=") + std::to_string(seconds);
  return out;
}

bool sets_own_keepalives(const std::string& dsn) {
  const std::string lower = ascii_lower(dsn);
  return lower.find("keepalives") != std::string::npos || lower.find("tcp_user_timeout") != std::string::npos;
}

std::unique_ptr<pqxx::connection> open_connection(const std::string& dsn) {
  std::unique_ptr<pqxx::connection> connection;
  // libpq would split a misspelt DSN inside its password and quote the rest.
  if (std::string misread = misread_dsn(dsn); !misread.empty()) throw pqxx::broken_connection(misread);
  try {
    connection = std::make_unique<pqxx::connection>(dsn);
  } catch (const pqxx::broken_connection& e) {
    // libpq quotes a DSN it cannot parse, password and all.
    throw pqxx::broken_connection(without_passwords(e.what(), dsn));
  }
  if (!sets_own_keepalives(dsn)) notice_dead_peer(connection->sock());
  return connection;
}

void notice_dead_client(pqxx::connection_base& connection) {
  if (connection.server_version() < 140000) return;
  try {
    pqxx::nontransaction tx(connection);
    tx.exec(
        "select set_config('client_connection_check_interval', '2s', false) "
        "where current_setting('client_connection_check_interval') = '0'");
  } catch (const pqxx::sql_error&) {
    // A pooler or server that refuses the setting: statements end as before.
  }
}

bool still_connected(pqxx::connection_base& connection) {
  if (!connection.is_open()) return false;
  try {
    // The first read takes the server's FATAL message (which libpq files as
    // a notice on an idle connection), the second meets the end of the
    // connection and marks it bad. On a live connection each is one recv()
    // that finds nothing.
    connection.get_notifs();
    connection.get_notifs();
  } catch (const std::exception&) {
    return false;
  }
  return connection.is_open();
}

void cut_connection(pqxx::connection_base& connection) { ::shutdown(connection.sock(), SHUT_RDWR); }

}  // namespace flowc::runtime
