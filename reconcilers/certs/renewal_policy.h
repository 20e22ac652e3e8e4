// When a CertRenewal needs a new certificate, and when to look again: the "gather, decide"
// half of the certrenewal reconciler, as pure functions over what the reconciler read (the
// parsed CertRenewal and the state of its Secret) and the time now. Modelled on
// cert-manager's trigger policies (internal/controller/certificates/policies): the first
// policy that fires names the reason, so the Issuing condition says why ("Expiring",
// "SecretMismatch: dnsNames").
//
// No I/O and no clock of its own; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "crds/v1alpha1/cert_renewal.h"

namespace upkeep::reconcilers::certs {

using TimePoint = std::chrono::system_clock::time_point;
using api::v1alpha1::CertRenewalSpec;
using api::v1alpha1::CertRenewalStatus;

// What the certificate in the Secret says about itself, as the gather step parsed it.
struct CertificateFacts {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;  // canonical text ("10.0.0.1", "2001:db8::1")
  TimePoint not_before;
  TimePoint not_after;
  std::string serial_number;  // lower-case hex
  std::string der;            // the leaf itself (for the CA's renewal information)
  bool key_matches = false;   // tls.key is the private key of tls.crt's public key
  api::v1alpha1::KeyAlgorithm key_algorithm = api::v1alpha1::KeyAlgorithm::kEcdsa;
  int key_size = 0;
};

// The Secret named by spec.secretName, as found.
struct SecretState {
  enum class Kind {
    kMissing,    // no such Secret
    kNoData,     // tls.crt or tls.key is empty
    kDamaged,    // tls.crt or tls.key does not parse (damage says what)
    kPresent,    // parsed: facts is set
  };
  Kind kind = Kind::kMissing;
  std::string damage;
  CertificateFacts facts;
  // The issuer that wrote it (annotation upkeep.dev/issuer: "acme:<server>", "selfSigned",
  // "ca:<secret>"); a different issuer in the spec re-issues.
  std::string issuer;
  // The value of the upkeep.dev/run-now annotation the Secret was issued for.
  std::string issued_for_run_now;
};

// "acme:<server>", "selfSigned" or "ca:<secretName>": what SecretState::issuer is compared with.
std::string IssuerIdentity(const CertRenewalSpec& spec);

// When a certificate valid over [not_before, not_after] is renewed: renewBefore before
// notAfter, or renewBeforePercentage of the lifetime before it, else a third of the lifetime
// before it (cert-manager's default). A margin at least as long as the lifetime falls back
// to the default. Truncated to whole seconds, as status shows it.
TimePoint RenewalTime(const CertRenewalSpec& spec, TimePoint not_before, TimePoint not_after);

// A time inside an ACME Renewal Information window [start, end): a fixed point derived from
// the serial, so every controller replica and every reconcile picks the same one (RFC 9773
// asks for a random time in the window; a hash of the serial is as spread out).
TimePoint PickInWindow(TimePoint start, TimePoint end, const std::string& serial_number);

// The wait before retrying after `failures` failed issuances in a row: 1h × 2^(n-1), capped
// at 32h (API.md). Zero when n is 0.
std::chrono::seconds FailureBackoff(int64_t failures);

// Why the Secret's certificate has to be replaced, or "" when it need not be. `run_now` is
// the CertRenewal's upkeep.dev/run-now annotation ("" when absent).
struct Trigger {
  std::string reason;   // CamelCase: DoesNotExist, MissingData, InvalidCertificate,
                        // InvalidKeyPair, SecretMismatch, IncorrectIssuer, Expired, Renewing,
                        // ManuallyTriggered
  std::string message;  // for the Issuing condition and the Event
};
std::optional<Trigger> ReissueTrigger(const CertRenewalSpec& spec, const SecretState& secret,
                                      const std::string& run_now, TimePoint renewal_time,
                                      TimePoint now);

// What the reconciler does now.
struct IssuanceDecision {
  enum class Action {
    kNone,        // the certificate is good; look again at `next_check`
    kIssue,       // issue now
    kBackingOff,  // a reissue is due, but the last attempt failed: wait until `next_check`
    kOverBudget,  // a reissue is due, but issuanceBudget is spent until `next_check`
  };
  Action action = Action::kNone;
  Trigger trigger;          // set unless kNone
  TimePoint next_check{};   // when the decision may change without any other change
  std::optional<TimePoint> renewal_time;  // of the current certificate, for status
};

// `ari_window`: the CA's suggested renewal window for the current certificate, when the
// issuer is ACME with useARI and the CA has one. `run_now` (the annotation) counts when
// neither status.lastRunNow nor the Secret records it as acted on; it then triggers a reissue
// and skips the failure backoff. The reconciler records it in status.lastRunNow as it issues.
IssuanceDecision DecideIssuance(const CertRenewalSpec& spec, const CertRenewalStatus& status,
                                const SecretState& secret, const std::string& run_now,
                                std::optional<std::pair<TimePoint, TimePoint>> ari_window,
                                TimePoint now);

// Whether the next issuance reuses the Secret's private key: only with rotationPolicy Never
// and a key that parses, matches the certificate and has the requested algorithm and size.
bool ReuseExistingKey(const CertRenewalSpec& spec, const SecretState& secret);

// The issuances of the last 7 days in `recent`, oldest first, after dropping older ones.
std::vector<TimePoint> IssuancesInLast7Days(const std::vector<TimePoint>& recent, TimePoint now);

}  // namespace upkeep::reconcilers::certs
