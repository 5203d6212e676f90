// A TCP socket listening on 127.0.0.1 that never accepts: connecting to it
// succeeds (the kernel completes the handshake into the backlog) and then
// nothing ever answers, like a hung server or a host behind a firewall.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace flowc::testing {

class LoopbackListener {
 public:
  LoopbackListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    address_.sin_family = AF_INET;
    address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address_;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address_), sizeof address_) != 0 ||
        ::listen(fd_, 4) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address_), &length) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  ~LoopbackListener() { ::close(fd_); }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  [[nodiscard]] int port() const { return ntohs(address_.sin_port); }

  /// A new client socket connected to it (the caller closes it); -1 on failure.
  [[nodiscard]] int connect_client() const {
    int client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (client >= 0 && ::connect(client, reinterpret_cast<const sockaddr*>(&address_), sizeof address_) != 0) {
      ::close(client);
      return -1;
    }
    return client;
  }

 private:
  int fd_ = -1;
  sockaddr_in address_{};
};

}  // namespace flowc::testing
