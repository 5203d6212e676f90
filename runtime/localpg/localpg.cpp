#include "runtime/localpg/localpg.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "compiler/dsn/quote.h"
#include "runtime/events/nap.h"
#include "runtime/process/process.h"

namespace flowc::runtime::localpg {

namespace fs = std::filesystem;

namespace {

constexpr int kPort = 5432;

/// The longest path a Unix socket may have: sun_path holds 108 bytes with
/// the final NUL (PostgreSQL refuses a longer one).
constexpr size_t kMaxSocketPath = 107;

/// How each refusal of a project path ends: what the user may do instead.
constexpr const char* kOrGiveDsn = ", or give a DSN (--dsn, --state-dsn or FLOW_STATE_DSN)";

/// As root, commands run as the `postgres` user (initdb refuses root).
bool running_as_root() { return ::geteuid() == 0; }

std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (!running_as_root()) return argv;
  argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return argv;
}

/// `leaves_server` for `pg_ctl start`, whose point is the postmaster it
/// leaves running: nothing of its process group is killed when it exits.
/// `cwd`: the directory it runs in ("" = this process's).
ProcessResult run(std::vector<std::string> argv, std::chrono::seconds timeout, bool leaves_server = false,
                  const std::string& cwd = "") {
  ProcessOptions options;
  options.cwd = cwd;
  options.argv = as_server_user(std::move(argv));
  options.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "TZ=UTC"};
  options.timeout = timeout;
  options.kill_group_on_exit = !leaves_server;
  return run_process(options);
}

std::string failure_text(const ProcessResult& r) {
  if (!r.started) return r.error;
  if (r.timed_out) return "timed out";
  std::string out = r.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.empty() ? "exit code " + std::to_string(r.exit_code) : out;
}

std::string superuser() {
  if (running_as_root()) return "postgres";
  if (const passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return "postgres";
}

bool give_to_postgres(const fs::path& path, std::vector<std::string>& notes, std::string& error) {
  if (!running_as_root()) return true;
  const passwd* pw = ::getpwnam("postgres");
  if (!pw) {
    error = "running as root needs the `postgres` user (package postgresql-common creates it)";
    return false;
  }
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    error = "cannot hand " + path.string() + " to the postgres user";
    return false;
  }
  // The server runs as `postgres` and must traverse every ancestor of its
  // data directory (a clone under /root is 0700): grant search permission
  // only (o+x, never read), and say so.
  std::error_code ec;
  for (fs::path p = path.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    fs::perms perms = fs::status(p, ec).permissions();
    if (ec || (perms & fs::perms::others_exec) != fs::perms::none) continue;
    fs::permissions(p, fs::perms::others_exec, fs::perm_options::add, ec);
    if (ec) {
      error = "the postgres user cannot reach " + path.string() + ": cannot add o+x to " + p.string();
      return false;
    }
    notes.push_back("added search permission (o+x) to " + p.string() + " so the postgres user can reach " +
                    path.string());
  }
  return true;
}

/// `text` as a postgresql.conf string: in single quotes, a quote doubled and
/// a backslash escaped (the file's parser reads `\b` as a backspace).
std::string conf_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    if (c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

/// `dir` as one element of a directory list (unix_socket_directories): in
/// double quotes, a double quote doubled, so that nothing in the path is
/// read as the list's syntax.
std::string list_element(std::string_view dir) {
  std::string out = "\"";
  for (char c : dir) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// The cluster's socket file, `<dir>/.s.PGSQL.<port>`.
std::string socket_path(const fs::path& dir, int port) {
  return (dir / (".s.PGSQL." + std::to_string(port))).string();
}

/// The last `count` non-blank lines of `path` from byte `from` on, each
/// indented by two blanks; "" when there are none.
std::string log_tail(const fs::path& path, std::streamoff from, size_t count) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(from);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  std::string out;
  for (size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
    out += "\n  " + lines[i];
  return out;
}

/// The PID of the process holding an exclusive flock on the open file `fd`,
/// as /proc/locks tells it; 0 when it cannot be told (no /proc, or let go
/// meanwhile). Lines of waiters (`->`) are not holders.
long flock_holder(int fd) {
  struct stat file {};
  if (::fstat(fd, &file) != 0) return 0;
  // "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF": the device in hex.
  char device[32];
  std::snprintf(device, sizeof device, "%02x:%02x:", major(file.st_dev), minor(file.st_dev));
  const std::string inode = device + std::to_string(file.st_ino);
  std::ifstream locks("/proc/locks");
  for (std::string line; std::getline(locks, line);) {
    std::istringstream fields(line);
    std::string number, kind, mode, access, where;
    long pid = 0;
    if (fields >> number >> kind >> mode >> access >> pid >> where && kind == "FLOCK" && access == "WRITE" &&
        where == inode)
      return pid;
  }
  return 0;
}

/// "300 s" for whole seconds, else "250 ms".
std::string duration_text(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
  return std::to_string(duration.count()) + " ms";
}

/// An exclusive flock on `<dir>.lock`, held for as long as it lives: two
/// flowc processes starting or stopping the same cluster take turns, so the
/// second finds what the first made (initdb and `pg_ctl start` each fail
/// when run twice at once). Beside the cluster directory, not in it: initdb
/// wants that empty. flock rather than fcntl: it excludes another lock of
/// the same process too (two threads), and the kernel drops it with the
/// process however that ends. The wait is polled rather than a blocking
/// flock: a holder that hangs (suspended with Ctrl-Z, stuck) would hold up
/// every other command silently and for ever, and a blocking flock sees
/// neither a limit nor a stop request (flowc's SIGINT handler restarts it).
class ClusterLock {
 public:
  ClusterLock(const fs::path& dir, const LockWait& wait) : path_(dir.string() + ".lock") {
    std::error_code ec;
    fs::create_directories(dir.parent_path(), ec);
    // Read-only is enough for flock, so a lock file root created does not
    // lock out a user; close-on-exec, or the server pg_ctl leaves running
    // would hold the lock forever.
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      error_ = "cannot open the private cluster's lock file " + path_ + ": " + std::strerror(errno);
      return;
    }
    if (!take(wait)) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~ClusterLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  ClusterLock(const ClusterLock&) = delete;
  ClusterLock& operator=(const ClusterLock&) = delete;

  /// "" once the lock is held; else why it is not.
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  /// Takes the lock, saying once that it waits when another process has
  /// it; false with error_ set when it cannot, or waited as long as `wait`
  /// lets it.
  bool take(const LockWait& wait) {
    // Often enough that the turn passes on promptly, seldom enough to cost nothing.
    constexpr std::chrono::milliseconds kPoll{50};
    const auto give_up = std::chrono::steady_clock::now() + wait.limit;
    bool said = false;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) {
        error_ = "cannot lock " + path_ + ": " + std::strerror(errno);
        return false;
      }
      if (!said) {
        std::cerr << "flowc: waiting for another flowc that is starting or stopping the private cluster ("
                  << path_ << ")\n";
        said = true;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= give_up) {
        const long holder = flock_holder(fd_);
        const std::string who = holder > 0 ? " (PID " + std::to_string(holder) + ")" : "";
        error_ = "gave up after " + duration_text(wait.limit) + " waiting for " + path_ + ": another flowc process" +
                 who + " holds it, starting or stopping the private cluster; if it hangs (suspended with "
                 "Ctrl-Z?), resume or end it";
        return false;
      }
      if (!nap_until(wait.cancel, std::min(now + kPoll, give_up))) {
        error_ = "interrupted while waiting for another flowc that is starting or stopping the private "
                 "cluster (" + path_ + ")";
        return false;
      }
    }
    return true;
  }

  std::string path_;
  std::string error_;
  int fd_ = -1;
};

/// Why the server's lock file `file` in `dir` (postmaster.pid, or the
/// socket's `.s.PGSQL.<port>.lock`) is stale though the PID on its first line
/// is a live process: after a reboot or a crash the system gives that PID to
/// another process, which pg_ctl then takes for the server (any process it
/// may signal), and the server refuses to start while it lives. "" when the
/// process may be this cluster's server, or when that cannot be told (no
/// /proc, not ours to read): the lock file of a live server is never removed.
std::string stale_lock_file(const fs::path& dir, const fs::path& file) {
  std::ifstream in(file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return "";
  // No such process: the server sees to that lock file itself.
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return "";
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream cmdline_file(proc + "/cmdline", std::ios::binary);
  const std::string cmdline(std::istreambuf_iterator<char>(cmdline_file), {});
  if (cmdline.empty()) return "";  // gone meanwhile, a zombie, or not ours to read
  std::string program = cmdline.substr(0, cmdline.find('\0'));
  program = program.substr(program.rfind('/') + 1);
  if (program != "postgres" && program != "postmaster")
    return "its PID " + std::to_string(pid) + " is `" + program + "`, not a PostgreSQL server";
  // The server works in its data directory (it changes to it as it starts).
  std::error_code ec;
  const bool here = fs::equivalent(proc + "/cwd", dir, ec);
  if (ec || here) return "";
  return "its PID " + std::to_string(pid) + " is the PostgreSQL server of another data directory";
}

/// Removes the stale lock file `file` (`why`: stale_lock_file()'s reason)
/// and notes it in `notes`; false with `error` set when it cannot.
bool remove_stale(const fs::path& file, const std::string& why, std::vector<std::string>& notes,
                  std::string& error) {
  std::error_code ec;
  fs::remove(file, ec);
  if (ec) {
    error = "cannot remove the stale " + file.string() + " (" + why + "): " + ec.message();
    return false;
  }
  notes.push_back("removed the stale " + file.string() + ": " + why);
  return true;
}

}  // namespace

std::string Cluster::dsn(const std::string& database) const {
  return "host=" + dsn::quote_value(dir) + " port=" + std::to_string(port) +
         " user=" + dsn::quote_value(user) + " dbname=" + dsn::quote_value(database);
}

std::optional<std::string> find_server_bin(std::string& error, const std::string& packages) {
  if (const char* env = std::getenv("FLOWC_PG_BIN"); env && *env) return std::string(env);
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (fs::directory_iterator it(packages, ec), end; !ec && it != end; it.increment(ec)) {
    fs::path bin = it->path() / "bin";
    if (fs::exists(bin / "initdb", ec) && fs::exists(bin / "pg_ctl", ec)) candidates.push_back(bin);
  }
  if (candidates.empty()) {
    error = "no PostgreSQL server found (looked in " + packages +
            "/*/bin): install the Debian package `postgresql-15` (apt-get install postgresql-15)" +
            kOrGiveDsn;
    return std::nullopt;
  }
  // Highest major version: compare the numeric directory names.
  std::sort(candidates.begin(), candidates.end(), [](const fs::path& a, const fs::path& b) {
    return std::atoi(a.parent_path().filename().c_str()) < std::atoi(b.parent_path().filename().c_str());
  });
  return candidates.back().string();
}

namespace {

/// Makes a new cluster at `dir` (absent or empty): initdb into `<dir>.new`,
/// configured, then renamed into place. An initdb killed half-way leaves
/// only `<dir>.new`, which the next start (holding the cluster lock) removes
/// and makes again; `dir` is a whole cluster or none.
bool create_cluster(const std::string& bin, const fs::path& dir, const std::string& user,
                    std::vector<std::string>& notes, std::string& error) {
  std::error_code ec;
  const fs::path building = dir.string() + ".new";
  fs::remove_all(building, ec);
  fs::create_directories(building, ec);
  if (ec) {
    error = "cannot create " + building.string() + ": " + ec.message();
    return false;
  }
  fs::permissions(building, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (!give_to_postgres(building, notes, error)) return false;
  ProcessResult r = run({bin + "/initdb", "-D", building.string(), "-U", user, "--auth=trust", "--encoding=UTF8",
                         "--locale=C", "--no-sync"},
                        std::chrono::seconds(120));
  if (!r.started || r.exit_code != 0) {
    error = "initdb failed: " + failure_text(r);
    return false;
  }
  {
    // Unix socket in the cluster directory only; nothing on TCP. The path
    // is the one the cluster will have.
    std::ofstream conf(building / "postgresql.conf", std::ios::app);
    conf << "\n# flowc embedded cluster\nlisten_addresses = ''\n"
         << socket_directory_setting(dir.string()) << "\nport = " << kPort
         << "\nfsync = on\nmax_connections = 100\n";
    if (!conf.flush()) {
      error = "cannot write " + (building / "postgresql.conf").string();
      return false;
    }
  }
  fs::remove(dir, ec);  // empty, or absent
  fs::rename(building, dir, ec);
  if (ec) {
    error = "cannot rename " + building.string() + " to " + dir.string() + ": " + ec.message();
    return false;
  }
  return true;
}

/// Points the cluster's socket at `dir` when the project was moved (or
/// copied) since the cluster was made: postgresql.conf names the directory
/// the cluster had then, and the server would listen there, where nothing
/// connects (or where the original project's server does). The later of two
/// settings in the file wins, so the new one is appended.
bool follow_move(const fs::path& dir, std::vector<std::string>& notes, std::string& error) {
  const fs::path conf_path = dir / "postgresql.conf";
  std::ifstream in(conf_path);
  std::string line;
  std::string setting;
  while (std::getline(in, line))
    if (line.starts_with("unix_socket_directories")) setting = line;
  const std::string wanted = socket_directory_setting(dir.string());
  if (!in.eof() || setting == wanted) return true;  // unreadable: the start says why
  std::ofstream conf(conf_path, std::ios::app);
  conf << "\n# flowc embedded cluster, moved here\n" << wanted << "\n";
  if (!conf.flush()) {
    error = "cannot write " + conf_path.string() + ": the cluster was moved here, and its socket must follow";
    return false;
  }
  notes.push_back("the private cluster in " + dir.string() +
                  " was made in another directory: its socket is now in this one");
  return true;
}

}  // namespace

std::optional<Cluster> ensure_running(const std::string& dir_text, std::string& error, const LockWait& wait) {
  std::optional<std::string> bin = find_server_bin(error);
  if (!bin) return std::nullopt;
  std::error_code ec;
  fs::path dir = fs::absolute(dir_text, ec).lexically_normal();
  Cluster cluster;
  cluster.dir = dir.string();
  cluster.user = superuser();
  cluster.port = kPort;
  // Said before anything is created: the server would start, fail to make
  // its socket and leave only its log to say why.
  if (std::string socket = socket_path(dir, kPort); socket.size() > kMaxSocketPath) {
    error = "the private cluster's socket path " + socket + " is " + std::to_string(socket.size()) +
            " bytes, over the " + std::to_string(kMaxSocketPath) +
            " a Unix socket path may have: move the project to a shorter path" + kOrGiveDsn;
    return std::nullopt;
  }
  // libpq reads a comma in `host` as a list of hosts, and has no escape for it.
  if (cluster.dir.find(',') != std::string::npos) {
    error = "the private cluster's directory " + cluster.dir +
            " has a comma, which libpq reads as a list of hosts: move the project to a path without one" +
            kOrGiveDsn;
    return std::nullopt;
  }
  ClusterLock lock(dir, wait);
  if (!lock.error().empty()) {
    error = lock.error();
    return std::nullopt;
  }
  if (!fs::exists(dir / "PG_VERSION", ec)) {
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
      error = dir.string() + " is not empty and holds no PostgreSQL cluster (no PG_VERSION): move it away" +
              kOrGiveDsn;
      return std::nullopt;
    }
    cluster.found = Found::Missing;
    if (!create_cluster(*bin, dir, cluster.user, cluster.notes, error)) return std::nullopt;
  }
  ProcessResult status = run({*bin + "/pg_ctl", "status", "-D", dir.string()}, std::chrono::seconds(30));
  if (status.started && status.exit_code == 0) {
    const fs::path pid_file = dir / "postmaster.pid";
    const std::string stale = stale_lock_file(dir, pid_file);
    if (stale.empty()) return cluster;
    if (!remove_stale(pid_file, stale, cluster.notes, error)) return std::nullopt;
  }
  if (cluster.found == Found::Running) cluster.found = Found::Stopped;
  // What a crash leaves beside a stale postmaster.pid, naming the same PID.
  const fs::path socket_lock = socket_path(dir, kPort) + ".lock";
  if (const std::string stale = stale_lock_file(dir, socket_lock); !stale.empty()) {
    if (!remove_stale(socket_lock, stale, cluster.notes, error)) return std::nullopt;
  }
  if (!follow_move(dir, cluster.notes, error)) return std::nullopt;
  const fs::path log = dir / "server.log";
  // pg_ctl appends to the log: what this start adds is the server's reason.
  std::streamoff log_before = static_cast<std::streamoff>(fs::file_size(log, ec));
  if (ec) log_before = 0;
  // pg_ctl starts the server through `sh -c` with the paths in double
  // quotes, where a `"`, `$`, backquote or backslash of the project's path
  // would be shell syntax: such a path is given relative to the cluster's
  // parent directory, which it runs in. Any other is given whole, as
  // postmaster.opts then records it, so that an operator's `pg_ctl restart
  // -D <path>` from anywhere starts the server again.
  const std::string absolute = dir.string();
  const bool shell_safe = absolute.find_first_of("\"$`\\") == std::string::npos;
  const std::string here = shell_safe ? absolute : "./" + dir.filename().string();
  ProcessResult start = run({*bin + "/pg_ctl", "start", "-w", "-t", "60", "-D", here, "-l", here + "/server.log"},
                            std::chrono::seconds(90), /*leaves_server=*/true, dir.parent_path().string());
  if (!start.started || start.exit_code != 0) {
    std::string said = log_tail(log, log_before, 5);
    error = said.empty()
                ? "cannot start the private cluster: " + failure_text(start) + " (see " + log.string() + ")"
                : "cannot start the private cluster in " + dir.string() + "; the server's log (" +
                      log.string() + ") ends:" + said;
    return std::nullopt;
  }
  return cluster;
}

bool stop(const std::string& dir_text, std::string& error, bool* was_running, const LockWait& wait) {
  if (was_running != nullptr) *was_running = false;
  std::error_code ec;
  fs::path dir = fs::absolute(dir_text, ec).lexically_normal();
  if (!fs::exists(dir / "PG_VERSION", ec)) return true;  // nothing was ever created
  std::optional<std::string> bin = find_server_bin(error);
  if (!bin) return false;
  ClusterLock lock(dir, wait);
  if (!lock.error().empty()) {
    error = lock.error();
    return false;
  }
  ProcessResult status = run({*bin + "/pg_ctl", "status", "-D", dir.string()}, std::chrono::seconds(30));
  if (status.started && status.exit_code != 0) return true;  // not running
  // A stale postmaster.pid: `pg_ctl stop` would signal whatever process has
  // its PID now. Left for ensure_running() to remove and say so.
  if (!stale_lock_file(dir, dir / "postmaster.pid").empty()) return true;
  if (was_running != nullptr) *was_running = true;
  ProcessResult r = run({*bin + "/pg_ctl", "stop", "-w", "-m", "fast", "-D", dir.string()}, std::chrono::seconds(90));
  if (!r.started || r.exit_code != 0) {
    error = "pg_ctl stop failed: " + failure_text(r);
    return false;
  }
  return true;
}

std::string socket_directory_setting(const std::string& dir) {
  return "unix_socket_directories = " + conf_string(list_element(dir));
}

}  // namespace flowc::runtime::localpg
