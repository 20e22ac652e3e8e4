// RestKubeClient: the KubeClient behind KubeClient::Create(): Kubernetes verbs as REST calls
// over an HttpTransport, with the client-side rate limit, per-verb retry policy and
// api_error.h statuses. Private to controller/client. Thread-safe.
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "controller/client/http_transport.h"
#include "controller/client/kube_client.h"
#include "controller/flowcontrol/token_bucket.h"

namespace upkeep::controller {

class RestKubeClient final : public KubeClient {
 public:
  RestKubeClient(std::unique_ptr<HttpTransport> transport, ClientOptions options);

  absl::StatusOr<nlohmann::json> Get(const ResourceType& type, std::string_view namespace_,
                                     std::string_view name) override;
  absl::StatusOr<nlohmann::json> List(const ResourceType& type, std::string_view namespace_,
                                      const ListOptions& options) override;
  absl::StatusOr<nlohmann::json> Create(const ResourceType& type, std::string_view namespace_,
                                        const nlohmann::json& object,
                                        const WriteOptions& options) override;
  absl::StatusOr<nlohmann::json> Update(const ResourceType& type, const nlohmann::json& object,
                                        const WriteOptions& options) override;
  absl::StatusOr<nlohmann::json> Patch(const ResourceType& type, std::string_view namespace_,
                                       std::string_view name, PatchType patch_type,
                                       const nlohmann::json& patch,
                                       const WriteOptions& options) override;
  absl::Status Delete(const ResourceType& type, std::string_view namespace_,
                      std::string_view name, const DeleteOptions& options) override;
  absl::Status Watch(const ResourceType& type, std::string_view namespace_,
                     const WatchOptions& options,
                     const std::function<bool(WatchEvent&&)>& on_event,
                     std::stop_token stop) override;

  const std::string& Host() const override { return transport_->host(); }
  const ClientOptions& Options() const override { return options_; }

 private:
  // One API call: what to send and how to retry it.
  struct Call {
    HttpCall http;
    std::string context;      // "get configmaps default/a", prefixes errors
    bool idempotent = true;   // retried after it may have reached the server
  };

  // Sends `call` with rate limiting and retries; returns the decoded 2xx body.
  absl::StatusOr<nlohmann::json> Send(const Call& call);
  // Whether attempt number `attempt` (0-based) that ended in `reply`/`status` is retried.
  bool ShouldRetry(const Call& call, int attempt, const HttpReply& reply,
                   const absl::Status& status) const;
  // The pause before the next attempt: Retry-After when the server gave one, else
  // exponential backoff.
  std::chrono::milliseconds RetryDelay(int attempt, const HttpReply& reply) const;
  void Record(const std::string& method, const HttpReply& reply) const;
  // The status of a finished attempt that was not 2xx (or failed below HTTP).
  static absl::Status AttemptStatus(const HttpReply& reply, const std::string& context);

  absl::Status StreamEvents(HttpLineStream& stream, const std::string& context,
                            const std::function<bool(WatchEvent&&)>& on_event,
                            std::stop_token stop);

  // Constant after construction.
  const std::unique_ptr<HttpTransport> transport_;
  const ClientOptions options_;
  TokenBucket limiter_;  // thread-safe
};

}  // namespace upkeep::controller
