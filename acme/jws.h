// JWS in the flattened JSON serialization (RFC 7515 §7.2.2), as ACME requests carry them
// (RFC 8555 §6.2), and the external account binding of RFC 8555 §7.3.4. Thread-safe (pure
// functions over an immutable key).
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "acme/account_key.h"

namespace upkeep::acme {

// The protected header of one ACME request. Exactly one of `key_id` (the account URL, for
// every request once the account exists) and the key's own JWK (newAccount, and
// revocation by certificate key) identifies the signer.
struct JwsHeader {
  std::string nonce{};   // a fresh Replay-Nonce
  std::string url{};     // the exact URL the request is sent to
  std::string key_id{};  // "" = embed the public JWK instead ("jwk")
};

// Signs `payload` (serialized as compact JSON) with `key`; nullopt means POST-as-GET, whose
// payload is the empty string (RFC 8555 §6.3). Returns {"protected","payload","signature"}.
absl::StatusOr<nlohmann::json> SignJws(const AccountKey& key, const JwsHeader& header,
                                       const std::optional<nlohmann::json>& payload);

// An external account binding (RFC 8555 §7.3.4): a JWS over the account's public JWK, MACed
// with the key the CA handed out together with `key_id`. `mac_key_base64url` is that key as
// given by the CA (base64url, padding optional); `algorithm` HS256 (default), HS384 or HS512.
struct ExternalAccountBinding {
  std::string key_id{};
  std::string mac_key_base64url{};
  std::string algorithm = "HS256";
};

// The value of newAccount's "externalAccountBinding" field; `new_account_url` is the URL of
// the newAccount request. InvalidArgument for a key that is not base64url or an unknown
// algorithm.
absl::StatusOr<nlohmann::json> SignExternalAccountBinding(const ExternalAccountBinding& binding,
                                                          const AccountKey& account_key,
                                                          const std::string& new_account_url);

}  // namespace upkeep::acme
