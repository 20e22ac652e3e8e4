#include "controller/client/kube_client.h"

#include "controller/client/http_transport.h"
#include "controller/client/rest_kube_client.h"

namespace upkeep::controller {

absl::StatusOr<std::unique_ptr<KubeClient>> KubeClient::Create(const ClientConfig& config,
                                                               ClientOptions options) {
  auto transport = HttpTransport::Create(config, options.timeout, options.user_agent);
  if (!transport.ok()) return transport.status();
  return std::make_unique<RestKubeClient>(std::move(*transport), std::move(options));
}

}  // namespace upkeep::controller
