"""A private, throw-away PostgreSQL cluster for the runtime benchmarks.

    with Cluster(workdir, settings={...}) as pg:
        pg.psql("select 1", db="postgres")
        pg.dsn("warehouse")      # "host=<socket dir> port=... user=postgres dbname=warehouse"

initdb + pg_ctl from the system's server binaries (PG_BIN, else the newest
/usr/lib/postgresql/*/bin), listening only on a Unix socket in `workdir`
(listen_addresses = ''). When run as root the server runs as the `postgres`
user (`runuser -u postgres --`), so `workdir` is made reachable by it. The
server log (stderr) goes to `workdir/server.log`. `stop()` (or leaving the
`with` block) stops the cluster with `pg_ctl stop -m fast`.
Python 3 standard library only; psql is the client.
"""

import glob
import os
import pwd
import shutil
import subprocess
import time


def find_pg_bin():
    explicit = os.environ.get("PG_BIN")
    if explicit:
        return explicit
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    for c in reversed(candidates):
        if os.path.exists(os.path.join(c, "initdb")):
            return c
    raise SystemExit("no PostgreSQL server binaries found (set PG_BIN, or apt-get install postgresql-15)")


class Cluster:
    def __init__(self, workdir, settings=None, port=5499):
        self.workdir = os.path.abspath(workdir)
        self.datadir = os.path.join(self.workdir, "data")
        self.logfile = os.path.join(self.workdir, "server.log")
        self.port = port
        self.bin = find_pg_bin()
        self.settings = dict(settings or {})
        self.as_root = os.geteuid() == 0
        self.started = False

    # -- running server binaries as the right user -------------------------
    def _server_cmd(self, argv):
        if self.as_root:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def _run(self, argv, **kw):
        return subprocess.run(self._server_cmd(argv), check=True, **kw)

    def init(self):
        os.makedirs(self.workdir, exist_ok=True)
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.workdir, pw.pw_uid, pw.pw_gid)
            # every parent must be traversable by postgres
            d = self.workdir
            while d not in ("/", ""):
                st = os.stat(d)
                if not st.st_mode & 0o001:
                    os.chmod(d, st.st_mode | 0o011)
                d = os.path.dirname(d)
        self._run([os.path.join(self.bin, "initdb"), "-D", self.datadir, "-A", "trust", "-U", "postgres",
                   "--no-sync", "-E", "UTF8", "--locale=C"], stdout=subprocess.DEVNULL)
        conf = {
            "listen_addresses": "''",
            "unix_socket_directories": "'%s'" % self.workdir,
            "port": str(self.port),
        }
        # values as written in postgresql.conf: the caller quotes strings ("'all'")
        conf.update({k: str(v) for k, v in self.settings.items()})
        with open(os.path.join(self.datadir, "postgresql.auto.conf"), "a") as f:
            for k, v in conf.items():
                f.write("%s = %s\n" % (k, v))

    def start(self):
        if not os.path.exists(self.datadir):
            self.init()
        if self.as_root:
            # pg_ctl -l needs a log file postgres can write
            open(self.logfile, "a").close()
            pw = pwd.getpwnam("postgres")
            os.chown(self.logfile, pw.pw_uid, pw.pw_gid)
        self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.datadir, "-l", self.logfile, "-w", "-t", "60",
                   "start"], stdout=subprocess.DEVNULL)
        self.started = True

    def stop(self):
        if self.started:
            subprocess.run(self._server_cmd([os.path.join(self.bin, "pg_ctl"), "-D", self.datadir, "-m", "fast",
                                             "-w", "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.started = False

    def restart(self):
        self.stop()
        self.start()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- clients ------------------------------------------------------------
    def dsn(self, db="postgres"):
        return "host=%s port=%d user=postgres dbname=%s" % (self.workdir, self.port, db)

    def psql_argv(self, db="postgres"):
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.workdir, "-p", str(self.port),
                "-U", "postgres", "-d", db]

    def psql(self, sql, db="postgres", tuples=True):
        """Runs sql; returns stdout (unaligned, tuples only when `tuples`)."""
        argv = self.psql_argv(db) + (["-A", "-t", "-F", "\t"] if tuples else [])
        r = subprocess.run(argv, input=sql, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("psql failed (%d): %s\n%s" % (r.returncode, r.stderr.strip(), sql[:500]))
        return r.stdout

    def value(self, sql, db="postgres"):
        return self.psql(sql, db).strip()

    def set(self, **settings):
        """ALTER SYSTEM + reload, for settings that need no restart."""
        sql = "".join("alter system set %s = '%s';\n" % (k, v) for k, v in settings.items())
        self.psql(sql + "select pg_reload_conf();\n")
        time.sleep(0.2)

    def log_size(self):
        try:
            return os.path.getsize(self.logfile)
        except OSError:
            return 0

    def read_log(self, start=0):
        with open(self.logfile, "rb") as f:
            f.seek(start)
            return f.read().decode("utf-8", "replace")

