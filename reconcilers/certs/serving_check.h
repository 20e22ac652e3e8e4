// verifyServing: does the endpoint serve the certificate now in the Secret? Connects with the
// spec's SNI name and compares serials; the result becomes the Served condition and
// status.servedSerial.
//
// Thread safety: thread-safe (one connection per call).
#pragma once

#include <chrono>
#include <string>

#include "crds/v1alpha1/cert_renewal.h"

namespace upkeep::reconcilers::certs {

struct ServingCheck {
  bool serves_current = false;
  std::string served_serial;  // "" when nothing could be read
  std::string reason;         // Serving, ServingOtherCertificate, Unreachable
  std::string message;        // without times, so an unchanged result rewrites nothing
};

// The SNI name: verifyServing.serverName, else the first of dnsNames, else commonName.
std::string ServingServerName(const api::v1alpha1::CertRenewalSpec& spec);

// Checks `spec.verify_serving` (which must be set) against `current_serial`.
ServingCheck CheckServing(const api::v1alpha1::CertRenewalSpec& spec,
                          const std::string& current_serial);

}  // namespace upkeep::reconcilers::certs
