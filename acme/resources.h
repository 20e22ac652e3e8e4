// The ACME resources a client reads (RFC 8555 §7.1): directory, order, authorization and
// challenge, plus ARI's renewal information (RFC 9773 §4.2), as plain value types, and their
// parsers. A parser names the resource URL and the member that is wrong, and tolerates
// members it does not know. Thread-safe (values and pure functions).
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "acme/problem.h"

namespace upkeep::acme {

using TimePoint = std::chrono::system_clock::time_point;

struct Directory {
  std::string url;  // where it was loaded from
  std::string new_nonce;
  std::string new_account;
  std::string new_order;
  std::string revoke_cert;
  std::string key_change;
  std::string renewal_info;  // "" when the server does not implement ARI (RFC 9773)
  // From "meta":
  std::string terms_of_service;
  std::string website;
  std::vector<std::string> caa_identities;
  bool external_account_required = false;
};

// A name a certificate is for: type "dns" (a host name, "*.example.com" for a wildcard) or
// "ip" (RFC 8738; the textual address).
struct Identifier {
  std::string type;
  std::string value;

  static Identifier Dns(std::string name) { return {"dns", std::move(name)}; }
  static Identifier Ip(std::string address) { return {"ip", std::move(address)}; }
  bool operator==(const Identifier&) const = default;
};

enum class OrderStatus { kPending, kReady, kProcessing, kValid, kInvalid };
enum class AuthorizationStatus { kPending, kValid, kInvalid, kDeactivated, kExpired, kRevoked };
enum class ChallengeStatus { kPending, kProcessing, kValid, kInvalid };

const char* ToString(OrderStatus status);
const char* ToString(AuthorizationStatus status);
const char* ToString(ChallengeStatus status);

struct Order {
  std::string url;  // the order's own URL: persist it to resume after a restart
  OrderStatus status = OrderStatus::kPending;
  std::vector<Identifier> identifiers;
  std::vector<std::string> authorization_urls;
  std::string finalize_url;
  std::string certificate_url;  // set once status is kValid
  std::optional<TimePoint> expires;
  std::optional<Problem> error;  // why it became invalid
  // The response's Retry-After: when to poll again (RFC 8555 §7.4, "processing").
  std::optional<std::chrono::seconds> retry_after;
};

struct Challenge {
  std::string type;  // "http-01", "dns-01", "tls-alpn-01", ...
  std::string url;
  std::string token;
  ChallengeStatus status = ChallengeStatus::kPending;
  std::optional<TimePoint> validated;
  std::optional<Problem> error;  // why validation failed
};

struct Authorization {
  std::string url;
  Identifier identifier;
  AuthorizationStatus status = AuthorizationStatus::kPending;
  std::optional<TimePoint> expires;
  bool wildcard = false;
  std::vector<Challenge> challenges;
  std::optional<std::chrono::seconds> retry_after;

  // The challenge of `type`, or nullptr.
  const Challenge* FindChallenge(const std::string& type) const;
};

// ARI's answer: renew at a random time inside [start, end] (RFC 9773 §4.2).
struct RenewalInfo {
  TimePoint window_start;
  TimePoint window_end;
  std::string explanation_url;  // "" if none
  // When to ask again; the server's Retry-After, nullopt if it sent none.
  std::optional<std::chrono::seconds> retry_after;
};

absl::StatusOr<Directory> ParseDirectory(const nlohmann::json& json, const std::string& url);
absl::StatusOr<Order> ParseOrder(const nlohmann::json& json, const std::string& url);
absl::StatusOr<Authorization> ParseAuthorization(const nlohmann::json& json,
                                                 const std::string& url);
absl::StatusOr<Challenge> ParseChallenge(const nlohmann::json& json, const std::string& url);
absl::StatusOr<RenewalInfo> ParseRenewalInfo(const nlohmann::json& json, const std::string& url);

}  // namespace upkeep::acme
