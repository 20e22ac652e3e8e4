// Free ports on 127.0.0.1 for the servers a test starts. A port is free when picked; another
// process may take it before the server binds it, so callers that can retry with a new port do.
#pragma once

namespace upkeep::testing {

// A port on 127.0.0.1 that was free for TCP (and, with `udp_too`, UDP) a moment ago; 0 if
// none was found. Nothing listens there until the caller starts something on it, so it is
// also the "connection refused" address for tests of unreachable endpoints.
int PickFreePort(bool udp_too = false);

}  // namespace upkeep::testing
