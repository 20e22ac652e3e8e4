#include "reconcilers/certs/renewal_policy.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>

#include "controller/object/kube_time.h"

namespace upkeep::reconcilers::certs {
namespace {

using api::v1alpha1::AcmeIssuerSpec;
using api::v1alpha1::CaIssuerSpec;
using api::v1alpha1::KeyAlgorithm;
using std::chrono::duration_cast;
using std::chrono::seconds;

constexpr std::chrono::hours kBudgetWindow{7 * 24};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::set<std::string> LowerSet(const std::vector<std::string>& names) {
  std::set<std::string> out;
  for (const std::string& n : names) out.insert(Lower(n));
  return out;
}

std::string List(const std::set<std::string>& names) {
  std::string out = "[";
  for (const std::string& n : names) out += (out.size() > 1 ? ", " : "") + n;
  return out + "]";
}

std::string Time(TimePoint t) { return controller::FormatRfc3339(t); }

const char* AlgorithmName(KeyAlgorithm a) {
  switch (a) {
    case KeyAlgorithm::kRsa:
      return "RSA";
    case KeyAlgorithm::kEcdsa:
      return "ECDSA";
    case KeyAlgorithm::kEd25519:
      return "Ed25519";
  }
  return "?";
}

bool KeyFitsSpec(const CertRenewalSpec& spec, const CertificateFacts& facts) {
  if (facts.key_algorithm != spec.private_key.algorithm) return false;
  return spec.private_key.algorithm == KeyAlgorithm::kEd25519 ||
         facts.key_size == spec.private_key.size;
}

// The first of the names checks that fails, as "<field>: <what differs>".
std::optional<std::string> NameMismatch(const CertRenewalSpec& spec, const CertificateFacts& f) {
  if (!spec.common_name.empty() && spec.common_name != f.common_name) {
    return "commonName: the certificate has \"" + f.common_name + "\", the spec asks for \"" +
           spec.common_name + "\"";
  }
  std::set<std::string> want_dns = LowerSet(spec.dns_names);
  std::set<std::string> have_dns = LowerSet(f.dns_names);
  if (want_dns != have_dns) {
    return "dnsNames: the certificate has " + List(have_dns) + ", the spec asks for " +
           List(want_dns);
  }
  std::set<std::string> want_ip(spec.ip_addresses.begin(), spec.ip_addresses.end());
  std::set<std::string> have_ip(f.ip_addresses.begin(), f.ip_addresses.end());
  if (want_ip != have_ip) {
    return "ipAddresses: the certificate has " + List(have_ip) + ", the spec asks for " +
           List(want_ip);
  }
  return std::nullopt;
}

}  // namespace

std::string IssuerIdentity(const CertRenewalSpec& spec) {
  if (const auto* acme = std::get_if<AcmeIssuerSpec>(&spec.issuer)) return "acme:" + acme->server;
  if (const auto* ca = std::get_if<CaIssuerSpec>(&spec.issuer)) return "ca:" + ca->secret_name;
  return "selfSigned";
}

TimePoint RenewalTime(const CertRenewalSpec& spec, TimePoint not_before, TimePoint not_after) {
  auto lifetime = not_after - not_before;
  std::chrono::system_clock::duration margin = lifetime / 3;
  if (spec.renew_before) {
    margin = duration_cast<std::chrono::system_clock::duration>(*spec.renew_before);
  } else if (spec.renew_before_percentage) {
    margin = lifetime * *spec.renew_before_percentage / 100;
  }
  if (margin >= lifetime || margin.count() <= 0) margin = lifetime / 3;
  return std::chrono::floor<seconds>(not_after - margin);
}

TimePoint PickInWindow(TimePoint start, TimePoint end, const std::string& serial_number) {
  int64_t span = duration_cast<seconds>(end - start).count();
  if (span <= 0) return start;
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a
  for (unsigned char c : serial_number) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return start + seconds(static_cast<int64_t>(hash % static_cast<uint64_t>(span)));
}

seconds FailureBackoff(int64_t failures) {
  if (failures <= 0) return seconds(0);
  int64_t exponent = std::min<int64_t>(failures - 1, 5);  // 2^5 h = 32 h
  return std::chrono::hours(int64_t{1} << exponent);
}

std::optional<Trigger> ReissueTrigger(const CertRenewalSpec& spec, const SecretState& secret,
                                      const std::string& run_now, TimePoint renewal_time,
                                      TimePoint now) {
  const std::string& name = spec.secret_name;
  switch (secret.kind) {
    case SecretState::Kind::kMissing:
      return Trigger{"DoesNotExist", "Secret " + name + " does not exist"};
    case SecretState::Kind::kNoData:
      return Trigger{"MissingData", "Secret " + name + " has no tls.crt or no tls.key"};
    case SecretState::Kind::kDamaged:
      return Trigger{"InvalidCertificate", "Secret " + name + ": " + secret.damage};
    case SecretState::Kind::kPresent:
      break;
  }
  const CertificateFacts& f = secret.facts;
  if (!f.key_matches) {
    return Trigger{"InvalidKeyPair",
                   "Secret " + name + ": tls.key is not the key of the certificate in tls.crt"};
  }
  if (auto mismatch = NameMismatch(spec, f)) {
    return Trigger{"SecretMismatch", "Secret " + name + ": " + *mismatch};
  }
  if (!KeyFitsSpec(spec, f)) {
    return Trigger{"SecretMismatch",
                   "Secret " + name + ": privateKey: the key is " + AlgorithmName(f.key_algorithm) +
                       (f.key_algorithm == KeyAlgorithm::kEd25519
                            ? std::string()
                            : " " + std::to_string(f.key_size)) +
                       ", the spec asks for " + AlgorithmName(spec.private_key.algorithm) +
                       (spec.private_key.algorithm == KeyAlgorithm::kEd25519
                            ? std::string()
                            : " " + std::to_string(spec.private_key.size))};
  }
  std::string issuer = IssuerIdentity(spec);
  if (!secret.issuer.empty() && secret.issuer != issuer) {
    return Trigger{"IncorrectIssuer", "Secret " + name + " was issued by " + secret.issuer +
                                          "; the spec names " + issuer};
  }
  if (!run_now.empty() && run_now != secret.issued_for_run_now) {
    return Trigger{"ManuallyTriggered",
                   "renewal requested with annotation upkeep.dev/run-now=" + run_now};
  }
  if (now >= f.not_after) {
    return Trigger{"Expired", "the certificate expired at " + Time(f.not_after)};
  }
  if (now >= renewal_time) {
    return Trigger{"Renewing", "renewal time " + Time(renewal_time) +
                                   " has passed; the certificate expires at " +
                                   Time(f.not_after)};
  }
  return std::nullopt;
}

std::vector<TimePoint> IssuancesInLast7Days(const std::vector<TimePoint>& recent, TimePoint now) {
  std::vector<TimePoint> out;
  for (TimePoint t : recent) {
    if (t > now - kBudgetWindow) out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

IssuanceDecision DecideIssuance(const CertRenewalSpec& spec, const CertRenewalStatus& status,
                                const SecretState& secret, const std::string& run_now,
                                std::optional<std::pair<TimePoint, TimePoint>> ari_window,
                                TimePoint now) {
  IssuanceDecision d;
  TimePoint renewal = now;
  if (secret.kind == SecretState::Kind::kPresent) {
    const CertificateFacts& f = secret.facts;
    renewal = RenewalTime(spec, f.not_before, f.not_after);
    // The CA's window wins when it has one that ends before the certificate does.
    if (ari_window && ari_window->first < f.not_after) {
      renewal = std::min(PickInWindow(ari_window->first, ari_window->second, f.serial_number),
                         f.not_after);
    }
    d.renewal_time = renewal;
  }
  // A run-now value is acted on once: when the Secret records it, or status does (a run that
  // failed, or whose Secret is gone, is not repeated for the same value).
  const bool run_now_pending = !run_now.empty() && run_now != status.common.last_run_now &&
                               run_now != secret.issued_for_run_now;
  std::optional<Trigger> trigger =
      ReissueTrigger(spec, secret, run_now_pending ? run_now : "", renewal, now);
  if (!trigger) {
    d.next_check = renewal;
    return d;
  }
  d.trigger = *trigger;
  // A new run-now is the admin saying "now": it skips the failure backoff, whatever the
  // trigger (a missing Secret too), but not the budget.
  if (status.failed_issuance_attempts > 0 && status.last_failure_time && !run_now_pending) {
    TimePoint retry_at = *status.last_failure_time + FailureBackoff(status.failed_issuance_attempts);
    if (now < retry_at) {
      d.action = IssuanceDecision::Action::kBackingOff;
      d.next_check = retry_at;
      return d;
    }
  }
  std::vector<TimePoint> spent = IssuancesInLast7Days(status.recent_issuances, now);
  int64_t budget = spec.issuance_budget.max_per_7_days;
  if (static_cast<int64_t>(spent.size()) >= budget) {
    d.action = IssuanceDecision::Action::kOverBudget;
    // One issuance frees up when the oldest that keeps the count at the budget leaves the window.
    d.next_check = spent[spent.size() - static_cast<size_t>(budget)] + kBudgetWindow;
    return d;
  }
  d.action = IssuanceDecision::Action::kIssue;
  d.next_check = now;
  return d;
}

bool ReuseExistingKey(const CertRenewalSpec& spec, const SecretState& secret) {
  return spec.private_key.rotation_policy == api::v1alpha1::KeyRotationPolicy::kNever &&
         secret.kind == SecretState::Kind::kPresent && secret.facts.key_matches &&
         KeyFitsSpec(spec, secret.facts);
}

}  // namespace upkeep::reconcilers::certs
