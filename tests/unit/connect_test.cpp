// runtime/connect: a TCP connection to PostgreSQL notices a dead peer
// within about two minutes (keepalives and a user timeout on its socket); a
// Unix socket is left alone, and so is a DSN that chooses its own keepalives.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/connect/connect.h"
#include "runtime/connect/secrets.h"
#include "tests/support/loopback_listener.h"

using flowc::runtime::notice_dead_peer;
using flowc::runtime::sets_own_keepalives;

namespace {

int option(int socket, int level, int name) {
  int value = -1;
  socklen_t length = sizeof value;
  REQUIRE(::getsockopt(socket, level, name, &value, &length) == 0);
  return value;
}

}  // namespace

TEST_CASE("a TCP socket gets keepalives after 60 s, every 10 s, 6 probes, and a 120 s user timeout") {
  flowc::testing::LoopbackListener listener;
  int client = listener.connect_client();
  REQUIRE(client >= 0);

  CHECK(option(client, SOL_SOCKET, SO_KEEPALIVE) == 0);  // the kernel's default: off
  CHECK(notice_dead_peer(client));
  CHECK(option(client, SOL_SOCKET, SO_KEEPALIVE) == 1);
  CHECK(option(client, IPPROTO_TCP, TCP_KEEPIDLE) == 60);
  CHECK(option(client, IPPROTO_TCP, TCP_KEEPINTVL) == 10);
  CHECK(option(client, IPPROTO_TCP, TCP_KEEPCNT) == 6);
  CHECK(option(client, IPPROTO_TCP, TCP_USER_TIMEOUT) == 120000);
  ::close(client);
}

TEST_CASE("a Unix socket, or no socket, is left alone") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  CHECK_FALSE(notice_dead_peer(pair[0]));
  CHECK(option(pair[0], SOL_SOCKET, SO_KEEPALIVE) == 0);
  ::close(pair[0]);
  ::close(pair[1]);
  CHECK_FALSE(notice_dead_peer(-1));
}

TEST_CASE("a DSN that sets its own keepalives or user timeout keeps them") {
  CHECK(sets_own_keepalives("host=db keepalives_idle=5"));
  CHECK(sets_own_keepalives("postgresql://db/x?keepalives=0"));
  CHECK(sets_own_keepalives("host=db tcp_user_timeout=1000"));
  CHECK_FALSE(sets_own_keepalives("host=db port=5432 dbname=x"));
}

TEST_CASE("passwords_in finds a DSN's password as written and as libpq reads it") {
  using flowc::runtime::passwords_in;
  using V = std::vector<std::string>;
  CHECK(passwords_in("postgresql://etl:S3cr%40t@db:5432/wh") == V{"S3cr%40t", "S3cr@t"});
  CHECK(passwords_in("host=db user=etl password='a b c' dbname=wh") == V{"a b c"});
  CHECK(passwords_in("host=db password=plain dbname=wh") == V{"plain"});
  CHECK(passwords_in("postgresql://u@h/x?password=q%7Ay&sslmode=require") == V{"q%7Ay", "qzy"});
  // Malformed: libpq cannot parse them, and echoes them in its error.
  CHECK(passwords_in("postgresql://u:SECRETPW@[::1") == V{"SECRETPW"});
  CHECK(passwords_in("postgresql://u:SECRET%zzPW@127.0.0.1:1/x") == V{"SECRET%zzPW"});
  CHECK(passwords_in("postgresql://u@h/x") == V{});
  CHECK(passwords_in("host=/tmp dbname=x") == V{});
  CHECK(flowc::runtime::without_passwords("invalid URI \"postgresql://u:SECRETPW@[::1\"", "postgresql://u:SECRETPW@[::1") ==
        "invalid URI \"postgresql://u:***@[::1\"");
}

TEST_CASE("a short DSN password in a message withholds the message instead of spelling the password out") {
  using flowc::runtime::without_passwords;
  // Masked where they occur, `on` would read `c***necti***` and `0` `127.***.***.1`.
  CHECK(without_passwords("connection to server at \"127.0.0.1\", port 1 failed: Connection refused",
                          "host=127.0.0.1 port=1 password=on") == flowc::runtime::kWithheldMessage);
  CHECK(without_passwords("connection to server at \"127.0.0.1\" failed", "host=127.0.0.1 password=0") ==
        flowc::runtime::kWithheldMessage);
  // Not in the text: the text as it is; a long password is masked where it is.
  CHECK(without_passwords("Connection refused", "host=h password=zq") == "Connection refused");
  CHECK(without_passwords("bad uri postgresql://u:LongSecret9@h", "postgresql://u:LongSecret9@h") ==
        "bad uri postgresql://u:***@h");
}

TEST_CASE(
    "without_secrets masks a secret inside another whole, skips empty secrets, and ends on a secret inside "
    "***") {
  using flowc::runtime::without_secrets;
  CHECK(without_secrets("token abcdefgh and abcdefghijk", {"abcdefgh", "abcdefghijk"}) ==
        "token *** and ***");
  CHECK(without_secrets("nothing here", {"", "zzzzzzzzz"}) == "nothing here");
  CHECK(without_secrets("a********b", {"********"}) ==
        "a***b");  // the alert channels' copy looped forever here
  CHECK(without_secrets("s3cr3t-42 s3cr3t-42", {"s3cr3t-42"}) == "*** ***");
}

TEST_CASE("without_secrets: overlapping secrets are one ***, leaving no part of either") {
  using flowc::runtime::without_secrets;
  // The longer one masked first used to leave `Zq9-` of the other.
  CHECK(without_secrets("ov Zq9-secret-AAA-OVERLAPTAIL.", {"Zq9-secret-AAA", "secret-AAA-OVERLAPTAIL"}) ==
        "ov ***.");
  CHECK(without_secrets("x Zq9-secret-AAAZq9-secret-AAA y", {"Zq9-secret-AAA"}) == "x *** y");
}

TEST_CASE("without_secrets: a short secret withholds each line it occurs in, not the letters around it") {
  using flowc::runtime::without_secrets;
  // Masked in place, `ta` would read `t***le`, `s***ging`: the password spelt out.
  CHECK(without_secrets("drop a staging table\nrows: 3\ncreate table x", {"ta"}) == "***\nrows: 3\n***");
  CHECK(without_secrets("the team works", {"team"}) == "***");
  CHECK(without_secrets("nothing\n", {"ab"}) == "nothing\n");
}

TEST_CASE("without_secrets: each long line of a multi-line secret is a secret of its own") {
  using flowc::runtime::without_secrets;
  const std::string pem = "-----BEGIN KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0B\n}\n-----END KEY-----";
  CHECK(without_secrets("key: MIIEvQIBADANBgkqhkiG9w0B\nok", {pem}) == "key: ***\nok");
  CHECK(without_secrets("-----BEGIN KEY-----", {pem}) == "***");
  // `}` alone is too short to be a secret of its own: lines with a brace stay.
  CHECK(without_secrets("{ }", {pem}) == "{ }");
}

TEST_CASE("a DSN libpq would split inside its password is refused before connecting, quoting none of it") {
  // Each is a password with a character libpq ends a part at: connecting
  // would print the rest of it as a host name, a port or a key.
  for (const std::string dsn : {"postgresql://postgres:Tr0ub@dor_pp66@db.example.invalid/prod",
                                "postgresql://u:pa/ss_qq77@h/db", "postgresql://u@h/db?password=pa&ss_ww33",
                                "postgresql://u:pa ss_zz44@h/db", "host=/tmp password=Pass Word_kk11"}) {
    INFO(dsn);
    std::string misread = flowc::runtime::misread_dsn(dsn);
    CHECK_FALSE(misread.empty());
    std::string message;
    try {
      flowc::runtime::open_connection(dsn);
    } catch (const std::exception& e) {
      message = e.what();
    }
    CHECK(message == misread);
    for (const char* fragment : {"Tr0ub", "dor_pp66", "ss_qq77", "ss_ww33", "ss_zz44", "Pass", "Word_kk11"})
      CHECK(message.find(fragment) == std::string::npos);
  }
  CHECK(flowc::runtime::misread_dsn("postgresql://postgres:Tr0ub@dor_pp66@db/prod") ==
        "the connection string has an `@` where libpq does not expect one: in a URI's user name or password write "
        "`@` as %40, `/` as %2F, `?` as %3F and `&` as %26 (the connection string is not shown: it may hold a "
        "password)");
  // A first part of the password short enough to occur in the reason's
  // words ("p" in "expect") does not withhold the reason, which quotes
  // none of the DSN.
  const std::string short_first = "postgresql://u:p@ssw0rdLong@localhost:1/x";
  CHECK(flowc::runtime::without_passwords(flowc::runtime::misread_dsn(short_first), short_first) ==
        flowc::runtime::misread_dsn(short_first));
  CHECK(flowc::runtime::without_passwords("could not connect: p", short_first) ==
        flowc::runtime::kWithheldMessage);
  // Written as meant: read as written.
  for (const std::string dsn : {"postgresql://etl:S3cr%40t%2Fx@db:5432/wh?sslmode=require&password=a%26b",
                                "host=db user=etl password='a b c' dbname=wh", "host=/tmp dbname=x", ""})
    CHECK(flowc::runtime::misread_dsn(dsn) == "");
}

TEST_CASE("with_connect_timeout: a task's timeout bounds connecting, unless the DSN's own is shorter") {
  using flowc::runtime::with_connect_timeout;
  ::unsetenv("PGCONNECT_TIMEOUT");
  // Key/value pairs in libpq's order of its options.
  CHECK(with_connect_timeout("host=db dbname=wh", 5) == "dbname='wh' host='db' connect_timeout=5");
  CHECK(with_connect_timeout("host=db connect_timeout=60", 5) == "connect_timeout='5' host='db'");
  CHECK(with_connect_timeout("host=db connect_timeout=3", 5) == "connect_timeout='3' host='db'");
  ::setenv("PGCONNECT_TIMEOUT", "2", 1);  // shorter: libpq's own default stands
  CHECK(with_connect_timeout("host=db", 5) == "host='db'");
  ::unsetenv("PGCONNECT_TIMEOUT");
  // A URI becomes key/value pairs, its password kept for the connection.
  CHECK(with_connect_timeout("postgresql://etl:s3cret@db/wh", 5) ==
        "user='etl' password='s3cret' dbname='wh' host='db' connect_timeout=5");
  CHECK(with_connect_timeout("host='unclosed", 5) == "host='unclosed");  // libpq says why when it connects
}
