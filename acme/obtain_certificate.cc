#include "acme/obtain_certificate.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace upkeep::acme {
namespace {

using controller::Clock;

std::string Describe(const Identifier& id) { return id.type + ":" + id.value; }

// The solver's challenges presented so far; all withdrawn when this goes out of scope.
class PresentedChallenges {
 public:
  explicit PresentedChallenges(ChallengeSolver& solver) : solver_(solver) {}
  ~PresentedChallenges() { CleanUpAll(); }
  PresentedChallenges(const PresentedChallenges&) = delete;
  PresentedChallenges& operator=(const PresentedChallenges&) = delete;

  absl::Status Present(const std::string& token, const std::string& key_authorization) {
    absl::Status status = solver_.Present(token, key_authorization);
    if (status.ok()) tokens_.push_back(token);
    return status;
  }

  void CleanUpAll() {
    for (const std::string& token : tokens_) solver_.CleanUp(token);
    tokens_.clear();
  }

 private:
  ChallengeSolver& solver_;
  std::vector<std::string> tokens_;
};

// Waits between polls on the injected clock, within the flow's deadline.
class Poller {
 public:
  Poller(const Clock& clock, const ObtainRequest& request)
      : clock_(clock), request_(request), deadline_(clock.Now() + request.timeout) {}

  // Waits before the next poll of `what`: the server's Retry-After (at least the poll
  // interval, at most the maximum) or the poll interval, cut short at the deadline.
  // DeadlineExceeded once the deadline has passed.
  absl::Status Wait(std::optional<std::chrono::seconds> retry_after, const std::string& what,
                    const std::string& order_url) {
    Clock::TimePoint now = clock_.Now();
    if (now >= deadline_) {
      return absl::DeadlineExceededError(
          "gave up waiting for " + what + " after " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>(request_.timeout).count()) +
          " s; the order " + order_url + " can be resumed");
    }
    if (what != last_what_) {  // something new to wait for: start quick again
      last_what_ = what;
      backoff_ = std::min(request_.first_poll_interval, request_.poll_interval);
    }
    Clock::Duration wait = backoff_;
    backoff_ = std::min(backoff_ * 2, request_.poll_interval);
    if (retry_after.has_value()) {
      wait =
          std::clamp<Clock::Duration>(*retry_after, request_.poll_interval,
                                      std::max(request_.max_poll_interval, request_.poll_interval));
    }
    SleepUntil(std::min(now + wait, deadline_));
    return absl::OkStatus();
  }

 private:
  void SleepUntil(Clock::TimePoint wake) const {
    // Nothing notifies this condition variable: it only lets the clock decide how time
    // passes (a FakeClock in tests, the steady clock in production).
    std::mutex mu;
    std::condition_variable cv;
    std::unique_lock<std::mutex> lock(mu);
    while (clock_.Now() < wake) clock_.WaitUntil(lock, cv, wake);
  }

  const Clock& clock_;
  const ObtainRequest& request_;
  const Clock::TimePoint deadline_;
  std::string last_what_;
  Clock::Duration backoff_{};
};

absl::Status AuthorizationFailed(const Authorization& authz, const std::string& challenge_type) {
  std::string context = "the authorization of " + Describe(authz.identifier) + " (" + authz.url +
                        ") is " + ToString(authz.status);
  // The reason is on the challenge that was tried: prefer the solver's type.
  const Challenge* failed = nullptr;
  for (const Challenge& c : authz.challenges) {
    if (c.error.has_value() && (failed == nullptr || c.type == challenge_type)) failed = &c;
  }
  if (failed != nullptr) {
    return ProblemStatus(*failed->error, context + ": " + failed->type + " challenge failed");
  }
  if (authz.status == AuthorizationStatus::kInvalid) {
    return absl::PermissionDeniedError(context + " (the CA gave no reason)");
  }
  return absl::FailedPreconditionError(context + "; a new order is needed");
}

absl::Status OrderFailed(const Order& order) {
  std::string context = "the order " + order.url + " is invalid";
  if (order.error.has_value()) return ProblemStatus(*order.error, context);
  return absl::PermissionDeniedError(context + " (the CA gave no reason)");
}

// Presents and accepts the challenges of the order's pending authorizations, then polls them
// until each is valid.
absl::Status CompleteAuthorizations(AcmeClient& client, ChallengeSolver& solver, const Order& order,
                                    Poller& poller) {
  PresentedChallenges presented(solver);
  const std::string type = solver.ChallengeType();
  std::vector<std::string> awaited;
  for (const std::string& url : order.authorization_urls) {
    auto authz = client.GetAuthorization(url);
    if (!authz.ok()) return authz.status();
    if (authz->status == AuthorizationStatus::kValid) continue;  // reused by the CA
    if (authz->status != AuthorizationStatus::kPending) return AuthorizationFailed(*authz, type);
    const Challenge* challenge = authz->FindChallenge(type);
    if (challenge == nullptr) {
      std::string offered;
      for (const Challenge& c : authz->challenges)
        offered += (offered.empty() ? "" : ", ") + c.type;
      return absl::FailedPreconditionError("the authorization of " + Describe(authz->identifier) +
                                           " (" + url + ") offers no " + type +
                                           " challenge, only: " + offered);
    }
    auto key_authorization = client.KeyAuthorization(challenge->token);
    if (!key_authorization.ok()) return key_authorization.status();
    if (absl::Status st = presented.Present(challenge->token, *key_authorization); !st.ok()) {
      return absl::Status(st.code(), "presenting the " + type + " challenge for " +
                                         Describe(authz->identifier) + ": " +
                                         std::string(st.message()));
    }
    // A resumed flow finds challenges already accepted ("processing"): presenting again is
    // enough for the CA's next validation attempt.
    if (challenge->status == ChallengeStatus::kPending) {
      auto accepted = client.AcceptChallenge(challenge->url);
      if (!accepted.ok()) return accepted.status();
    }
    awaited.push_back(url);
  }
  for (const std::string& url : awaited) {
    while (true) {
      auto authz = client.GetAuthorization(url);
      if (!authz.ok()) return authz.status();
      if (authz->status == AuthorizationStatus::kValid) break;
      if (authz->status != AuthorizationStatus::kPending) return AuthorizationFailed(*authz, type);
      absl::Status waited = poller.Wait(
          authz->retry_after, "the authorization of " + Describe(authz->identifier), order.url);
      if (!waited.ok()) return waited;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<IssuedCertificate> ObtainCertificate(AcmeClient& client, ChallengeSolver& solver,
                                                    const Clock& clock,
                                                    const ObtainRequest& request) {
  if (request.csr_der.empty()) return absl::InvalidArgumentError("ObtainCertificate: no CSR");
  Poller poller(clock, request);
  absl::StatusOr<Order> order = request.order_url.empty()
                                    ? client.NewOrder({request.identifiers, request.replaces})
                                    : client.GetOrder(request.order_url);
  if (!order.ok()) return order.status();

  if (order->status == OrderStatus::kPending) {
    absl::Status authorized = CompleteAuthorizations(client, solver, *order, poller);
    if (!authorized.ok()) return authorized;
    order = client.GetOrder(order->url);
    if (!order.ok()) return order.status();
  }
  bool finalized = false;
  while (true) {
    switch (order->status) {
      case OrderStatus::kInvalid:
        return OrderFailed(*order);
      case OrderStatus::kValid: {
        if (order->certificate_url.empty()) {
          return absl::InternalError("the valid order " + order->url + " has no certificate URL");
        }
        auto chain = client.DownloadCertificate(order->certificate_url);
        if (!chain.ok()) return chain.status();
        return IssuedCertificate{order->url, order->certificate_url, std::move(*chain)};
      }
      case OrderStatus::kReady:
        if (finalized) {
          // The CA went back to "ready" after a finalization: it did not take the CSR.
          return absl::InternalError("the order " + order->url +
                                     " is ready again after finalization");
        }
        finalized = true;
        order = client.Finalize(*order, request.csr_der);
        if (!order.ok()) return order.status();
        continue;
      case OrderStatus::kPending:
      case OrderStatus::kProcessing: {
        std::string what = std::string("the order to leave \"") + ToString(order->status) + "\"";
        absl::Status waited = poller.Wait(order->retry_after, what, order->url);
        if (!waited.ok()) return waited;
        std::string url = order->url;
        order = client.GetOrder(url);
        if (!order.ok()) return order.status();
        continue;
      }
    }
  }
}

}  // namespace upkeep::acme
