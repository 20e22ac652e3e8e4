#include "tests/support/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace upkeep::testing {

int PickFreePort(bool udp_too) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    int port = 0;
    if (bind(tcp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        getsockname(tcp, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    bool ok = port != 0;
    if (ok && udp_too) {
      int udp = socket(AF_INET, SOCK_DGRAM, 0);
      ok = bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
      close(udp);
    }
    close(tcp);
    if (ok) return port;
  }
  return 0;
}

}  // namespace upkeep::testing
