// The "gather" step for a CertRenewal's Secret: reads tls.crt and tls.key with the crypto
// engine and says what the renewal policy needs (SecretState). Damage is described without
// any key material. Pure function; thread-safe.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "reconcilers/certs/renewal_policy.h"

namespace upkeep::reconcilers::certs {

// `secret`: the Secret as read from the API, or nullopt when it does not exist.
SecretState InspectTlsSecret(const std::optional<nlohmann::json>& secret);

}  // namespace upkeep::reconcilers::certs
