// Opening a PostgreSQL connection that notices a dead peer. libpq waits on
// a TCP socket as long as the operating system does: about two hours for a
// server whose host vanished or a network that dropped (keepalives start
// after 7,200 s idle), during which a task's statement_timeout, enforced by
// that very server, cannot end it. Every connection flowc opens goes
// through here, so a lost database fails the attempt (class 08, transient)
// within about two minutes instead.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace flowc::runtime {

/// Connects to `dsn` (throws what pqxx throws, with the DSN's password
/// replaced by `***` in the message) and, unless the DSN sets its own
/// `keepalives*` or `tcp_user_timeout`, tunes its TCP socket with
/// notice_dead_peer().
std::unique_ptr<pqxx::connection> open_connection(const std::string& dsn);

/// `dsn` as key/value pairs with libpq's `connect_timeout` at most
/// `seconds`: the DSN's own, or PGCONNECT_TIMEOUT's, when shorter. A task's
/// timeout bounds its whole attempt, connecting included. `dsn` unchanged
/// when libpq cannot parse it (connecting then says why).
std::string with_connect_timeout(const std::string& dsn, int64_t seconds);

/// Asks the server to check every 2 s, while a statement runs, that the
/// client is still there (`client_connection_check_interval`, PostgreSQL
/// 14 and later), unless the session already has its own interval. A flowc
/// killed mid-statement (`kill -9`, a lost machine) otherwise leaves its
/// statement running, and holding its locks, until the statement ends by
/// itself: a retry or another run waits behind it. Servers without the
/// setting are left as they are. Used for the sessions that run tasks'
/// statements, which may be long; flowc's own statements are short.
void notice_dead_client(pqxx::connection_base& connection);

/// On a TCP socket: keepalive probes after 60 s of silence, every 10 s,
/// given up after 6 unanswered; data unacknowledged for 120 s ends the
/// connection too. A peer whose host is alive answers the probes, however
/// long its query runs. True when every option was set; false, changing
/// nothing, for a socket that is not TCP (a Unix socket's peer cannot
/// vanish unnoticed).
bool notice_dead_peer(int socket);

/// Ends libpq's wait on `connection` from another thread, for a server
/// that answers neither a statement nor a cancel: shuts its socket down
/// (not close: the descriptor stays libpq's, so it cannot be reused under
/// it). libpq's wait ends with end-of-file and it reports a lost
/// connection; the server rolls back when its backend wakes to the closed
/// socket. The watchdogs' last resort (StatementWatchdog, materialize's
/// QueryWatchdog).
void cut_connection(pqxx::connection_base& connection);

/// Whether `connection` still reaches its server, without waiting: a server
/// that restarted or ended the backend (`pg_terminate_backend`) has sent
/// its goodbye to an idle connection, which libpq notices only when it next
/// reads. This reads what is waiting (never blocking), so an executor opens
/// a new connection before an attempt instead of failing the attempt on
/// the old one.
bool still_connected(pqxx::connection_base& connection);

/// Whether `dsn` chooses its own keepalive settings (then they are left as
/// libpq applied them).
bool sets_own_keepalives(const std::string& dsn);

}  // namespace flowc::runtime
