#include "reconcilers/certs/certrenewal_reconciler.h"

#include <algorithm>
#include <functional>

#include "controller/client/api_error.h"
#include "controller/events/event_recorder.h"
#include "controller/logging/logger.h"
#include "controller/object/conditions.h"
#include "controller/object/kube_time.h"
#include "crds/v1alpha1/group_version.h"
#include "crypto/certificate_info.h"
#include "reconcilers/certs/renewal_policy.h"
#include "reconcilers/certs/secret_inspection.h"
#include "reconcilers/certs/serving_check.h"
#include "reconcilers/certs/tls_secret.h"
#include "reconcilers/workloads/rollout_restart.h"

namespace upkeep::reconcilers::certs {
namespace {

using api::v1alpha1::CertRenewal;
using api::v1alpha1::kConditionIssuing;
using api::v1alpha1::kConditionReady;
using controller::Action;
using controller::Condition;
using controller::ReconcileContext;
using nlohmann::json;
using Decision = IssuanceDecision::Action;

constexpr char kActionIssue[] = "Issue";
constexpr char kActionReconcile[] = "Reconcile";
// Look again at least this often, whatever the certificate says (a clock jump, a CA window).
constexpr auto kMaxRequeue = std::chrono::hours(12);

// Triggers under which the certificate in the Secret is still fit to serve.
bool StillServable(const std::string& trigger_reason) {
  return trigger_reason == "Renewing" || trigger_reason == "ManuallyTriggered";
}

Action RequeueAt(TimePoint when, TimePoint now) {
  auto delay = std::clamp<std::chrono::system_clock::duration>(
      when - now, std::chrono::seconds(1), kMaxRequeue);
  return Action::RequeueAfter(delay);
}

std::string Time(TimePoint t) { return controller::FormatRfc3339(t); }

// Server-side apply that takes over fields someone else set in upkeep's Secret.
controller::WriteOptions ForceApply() {
  controller::WriteOptions options;
  options.force = true;
  return options;
}

enum class Write { kWhenChanged, kAlways };

// Writes `status` (and the conditions set on `updated`) through the status subresource when
// it differs from what `object` has, or always (a write at `object`'s resourceVersion fails
// with Conflict when `object` is stale). `observed` is the generation the status describes.
// Returns the object as stored.
absl::StatusOr<json> WriteStatus(ReconcileContext& ctx, const json& object, json updated,
                                 int64_t observed, Write when = Write::kWhenChanged) {
  updated["status"]["observedGeneration"] = observed;
  if (when == Write::kWhenChanged && object.contains("status") &&
      updated["status"] == object["status"]) {
    return object;
  }
  controller::WriteOptions options;
  options.subresource = "status";
  return ctx.client.Update(api::v1alpha1::CertRenewals(), updated, options);
}

// Writes the outcome of an issuance that happened: it must not be lost to a concurrent edit
// (a spec change during a slow ACME order), so on Conflict the status is rebuilt on the stored
// object and written again.
absl::Status WriteIssuanceOutcome(ReconcileContext& ctx, json base, int64_t observed,
                                  const std::function<json(const json&)>& build) {
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    auto written = WriteStatus(ctx, base, build(base), observed);
    if (written.ok() || !controller::IsConflict(written.status()) || attempt == kAttempts) {
      return written.status();
    }
    auto latest = ctx.client.Get(api::v1alpha1::CertRenewals(),
                                 base["metadata"].value("namespace", ""),
                                 base["metadata"].value("name", ""));
    if (!latest.ok()) return latest.status();
    base = std::move(*latest);
  }
}

// `object` with status replaced by `status`, except conditions and observedGeneration, which
// stay as they are on `object` (they are set on the JSON, with transition times).
json WithStatus(const json& object, const api::v1alpha1::CertRenewalStatus& status) {
  json updated = object;
  json fields = api::v1alpha1::CertRenewalStatusToJson(status);
  const json* old = object.contains("status") && object["status"].is_object()
                        ? &object["status"]
                        : nullptr;
  for (const char* kept : {"conditions", "observedGeneration"}) {
    fields.erase(kept);
    if (old != nullptr && old->contains(kept)) fields[kept] = (*old)[kept];
  }
  updated["status"] = std::move(fields);
  return updated;
}

void Set(json& object, const char* type, bool status, const std::string& reason,
         const std::string& message, int64_t generation, TimePoint now) {
  controller::SetCondition(object,
                           Condition{type, status ? controller::kConditionTrue
                                                  : controller::kConditionFalse,
                                     reason, message, generation, ""},
                           now);
}

// The Served condition from a verifyServing check (none without verifyServing; unchanged when
// nothing was checked this time).
void SetServed(json& updated, const api::v1alpha1::CertRenewalSpec& spec,
               const std::optional<ServingCheck>& check, int64_t generation, TimePoint now) {
  if (!spec.verify_serving) {
    controller::RemoveCondition(updated, api::v1alpha1::kConditionServed);
    return;
  }
  if (!check) return;
  Set(updated, api::v1alpha1::kConditionServed, check->serves_current, check->reason,
      check->message, generation, now);
}

// After the status with `check` was written: an Event when the outcome differs from the one
// `before` recorded. Sent once, outside any write retry.
void EmitServedEvent(const json& before, const std::optional<ServingCheck>& check,
                     ReconcileContext& ctx) {
  if (!check || !ctx.events) return;
  auto was = controller::FindCondition(before, api::v1alpha1::kConditionServed);
  if (was && was->reason == check->reason) return;
  if (check->serves_current) {
    ctx.events->Normal(before, "Served", "VerifyServing", check->message);
  } else {
    ctx.events->Warning(before, "NotServed", "VerifyServing", check->message);
  }
}

// When to reconcile next: at `when`, or sooner when verifyServing is due to look again.
Action RequeueAt(TimePoint when, TimePoint now, std::optional<TimePoint> next_probe) {
  if (next_probe) when = std::min(when, *next_probe);
  return RequeueAt(when, now);
}

int64_t Generation(const json& object) {
  return object.contains("metadata") ? object["metadata"].value("generation", int64_t{0}) : 0;
}

}  // namespace

CertRenewalReconciler::CertRenewalReconciler(CertRenewalIssuers issuers,
                                             CertificateMetrics* metrics)
    : issuers_(issuers), metrics_(metrics) {}

CertificateIssuer* CertRenewalReconciler::IssuerFor(
    const api::v1alpha1::CertRenewalSpec& spec) const {
  if (std::holds_alternative<api::v1alpha1::AcmeIssuerSpec>(spec.issuer)) return issuers_.acme;
  if (std::holds_alternative<api::v1alpha1::CaIssuerSpec>(spec.issuer)) return issuers_.ca;
  return issuers_.self_signed;
}

absl::StatusOr<Action> CertRenewalReconciler::Reconcile(const json& object,
                                                        ReconcileContext& ctx) {
  absl::StatusOr<Action> action = ReconcileCertRenewal(object, ctx);
  // A status write based on a cached object older than the stored one: the newer version is
  // on its way to the cache and its event brings this object back (no retry on the clock).
  if (!action.ok() && controller::IsConflict(action.status())) return Action::AwaitChange();
  return action;
}

absl::StatusOr<Action> CertRenewalReconciler::ReconcileCertRenewal(const json& object,
                                                                   ReconcileContext& ctx) {
  const TimePoint now = ctx.clock.Now();
  const int64_t generation = Generation(object);

  // Gather: the CertRenewal itself. A spec the schema let through but the parser refuses is
  // reported and left alone until it changes.
  absl::StatusOr<CertRenewal> parsed = api::v1alpha1::ParseCertRenewal(object);
  if (!parsed.ok()) {
    json updated = object;
    std::string message(parsed.status().message());
    Set(updated, kConditionReady, false, "InvalidSpec", message, generation, now);
    if (ctx.events) ctx.events->Warning(object, "InvalidSpec", kActionReconcile, message);
    auto written = WriteStatus(ctx, object, std::move(updated), generation);
    if (!written.ok()) return written.status();
    return Action::AwaitChange();
  }
  const CertRenewal& cr = *parsed;
  const std::string& ns = cr.metadata.namespace_;

  // Gather: the Secret.
  std::optional<json> secret;
  if (auto got = ctx.client.Get(controller::resources::Secrets(), ns, cr.spec.secret_name);
      got.ok()) {
    secret = std::move(*got);
  } else if (!controller::IsNotFound(got.status())) {
    return got.status();
  }
  SecretState state = InspectTlsSecret(secret);
  auto run_now_it = cr.metadata.annotations.find(api::v1alpha1::kRunNowAnnotation);
  std::string run_now =
      run_now_it == cr.metadata.annotations.end() ? "" : run_now_it->second;

  // Decide.
  std::optional<std::pair<TimePoint, TimePoint>> ari_window;
  if (state.kind == SecretState::Kind::kPresent) {
    if (CertificateIssuer* issuer = IssuerFor(cr.spec)) {
      ari_window = issuer->SuggestedRenewalWindow(cr.spec, state.facts.der);
    }
  }
  IssuanceDecision decision = DecideIssuance(cr.spec, cr.status, state, run_now, ari_window, now);

  api::v1alpha1::CertRenewalStatus status = cr.status;
  if (state.kind == SecretState::Kind::kPresent) {
    status.not_before = state.facts.not_before;
    status.not_after = state.facts.not_after;
    status.serial_number = state.facts.serial_number;
    status.renewal_time = decision.renewal_time;
  }
  // verifyServing, of the certificate in the Secret (of a new one right after its issuance).
  std::optional<ServingCheck> serving;
  const std::string& uid = cr.metadata.uid;
  if (cr.spec.verify_serving && state.kind == SecretState::Kind::kPresent &&
      decision.action != Decision::kIssue &&
      serving_schedule_.Due(uid, generation, state.facts.serial_number, now)) {
    serving = CheckServing(cr.spec, state.facts.serial_number);
  }
  // Records a probe once its result is written, and says when the next one is due.
  auto probed = [&](const std::string& serial) -> std::optional<TimePoint> {
    if (!cr.spec.verify_serving) return std::nullopt;
    if (serving) serving_schedule_.Record(uid, generation, serial, serving->serves_current, now);
    return serving_schedule_.NextDue(uid);
  };
  if (!cr.spec.verify_serving) status.served_serial.clear();
  // Acted on from here, whether the issuance succeeds or not (so a failure is not retried at
  // once for the same value).
  if (decision.action == Decision::kIssue && !run_now.empty()) {
    status.common.last_run_now = run_now;
  }
  if (serving) status.served_serial = serving->served_serial;
  json updated = WithStatus(object, status);
  SetServed(updated, cr.spec, serving, generation, now);
  const Trigger& trigger = decision.trigger;

  switch (decision.action) {
    case Decision::kNone: {
      Set(updated, kConditionReady, true, "Ready",
          "Certificate is up to date: valid until " + Time(state.facts.not_after) +
              ", renews at " + Time(*decision.renewal_time),
          generation, now);
      controller::RemoveCondition(updated, kConditionIssuing);
      auto written = WriteStatus(ctx, object, std::move(updated), generation);
      if (!written.ok()) return written.status();
      EmitServedEvent(object, serving, ctx);
      return RequeueAt(decision.next_check, now, probed(state.facts.serial_number));
    }
    case Decision::kBackingOff:
    case Decision::kOverBudget: {
      bool backoff = decision.action == Decision::kBackingOff;
      std::string message =
          backoff ? "Issuance failed " + std::to_string(status.failed_issuance_attempts) +
                        " time(s); retrying at " + Time(decision.next_check) + " (" +
                        trigger.message + ")"
                  : "issuanceBudget spent: " +
                        std::to_string(cr.spec.issuance_budget.max_per_7_days) +
                        " issuance(s) in the last 7 days; the next is allowed at " +
                        Time(decision.next_check) + " (" + trigger.message + ")";
      // The failure's own message (with the error and the retry time) stays up during the
      // backoff, as cert-manager keeps its Failed condition.
      auto issuing = controller::FindCondition(object, kConditionIssuing);
      if (!backoff || !issuing || issuing->reason != "Failed") {
        Set(updated, kConditionIssuing, false, backoff ? "Backoff" : "IssuanceBudgetExhausted",
            message, generation, now);
      }
      bool servable = StillServable(trigger.reason);
      // A Ready=False that already gives this reason keeps its message: it names the failure.
      auto ready = controller::FindCondition(object, kConditionReady);
      if (servable || !ready || ready->status != controller::kConditionFalse ||
          ready->reason != trigger.reason) {
        Set(updated, kConditionReady, servable, servable ? "Ready" : trigger.reason,
            servable ? "Certificate is valid until " + Time(state.facts.not_after) +
                           "; renewal is held back"
                     : trigger.message,
            generation, now);
      }
      if (!backoff && ctx.events) {
        ctx.events->Warning(object, "IssuanceBudgetExhausted", kActionIssue, message);
      }
      auto written = WriteStatus(ctx, object, std::move(updated), generation);
      if (!written.ok()) return written.status();
      EmitServedEvent(object, serving, ctx);
      std::optional<TimePoint> next_probe;
      if (state.kind == SecretState::Kind::kPresent) {
        next_probe = probed(state.facts.serial_number);
      }
      return RequeueAt(decision.next_check, now, next_probe);
    }
    case Decision::kIssue:
      break;
  }

  // Apply: say that an issuance is under way (it may take a while with ACME).
  Set(updated, kConditionIssuing, true, trigger.reason, trigger.message, generation, now);
  if (!StillServable(trigger.reason)) {
    Set(updated, kConditionReady, false, trigger.reason, trigger.message, generation, now);
  }
  // Always written, even when unchanged: the write at the cached resourceVersion claims the
  // issuance, so a reconcile working from a stale cache (the Secret it finds missing may be
  // one it issued a moment ago) gets Conflict instead of issuing twice.
  absl::StatusOr<json> stored = WriteStatus(ctx, object, updated, generation, Write::kAlways);
  if (!stored.ok()) return stored.status();
  if (ctx.events) ctx.events->Normal(object, "Issuing", kActionIssue, trigger.message);

  // The subject's key: the Secret's own with rotationPolicy Never, else a fresh one.
  absl::StatusOr<crypto::PrivateKey> key = absl::InternalError("unset");
  if (ReuseExistingKey(cr.spec, state)) {
    key = crypto::PrivateKey::ParsePem(ReadTlsSecretData(*secret).private_key_pem);
  } else {
    crypto::KeySpec key_spec;
    key_spec.algorithm = static_cast<crypto::KeyAlgorithm>(cr.spec.private_key.algorithm);
    key_spec.size = cr.spec.private_key.size;
    key = crypto::PrivateKey::Generate(key_spec);
  }
  absl::StatusOr<IssuedCertificate> issued = absl::InternalError("not issued");
  if (!key.ok()) {
    issued = key.status();
  } else {
    if (CertificateIssuer* issuer = IssuerFor(cr.spec)) {
      issued = issuer->Issue(CertificateRequest{ns, cr.metadata.name, cr.metadata.uid, cr.spec, *key, now},
                             ctx.client);
    } else {
      issued = absl::FailedPreconditionError(
          "the " + IssuerIdentity(cr.spec).substr(0, IssuerIdentity(cr.spec).find(':')) +
          " issuer is not available in this controller");
    }
  }
  // Refuse a chain that does not fit the key: never write a broken pair.
  std::optional<crypto::CertificateInfo> leaf;
  if (issued.ok()) {
    auto chain = crypto::ParseCertificateChainPem(issued->chain_pem);
    if (!chain.ok()) {
      issued = absl::InternalError("the issuer returned a chain that does not parse: " +
                                   std::string(chain.status().message()));
    } else if (!crypto::PublicKeyMatches(chain->front(), *key)) {
      issued = absl::InternalError("the issuer returned a certificate for another key");
    } else {
      leaf = chain->front();
    }
  }
  absl::StatusOr<std::string> key_pem =
      issued.ok() ? key->ToPem(cr.spec.private_key.encoding == api::v1alpha1::KeyEncoding::kPkcs1
                                   ? crypto::KeyEncoding::kPkcs1
                                   : crypto::KeyEncoding::kPkcs8)
                  : absl::StatusOr<std::string>(issued.status());
  absl::Status wrote = key_pem.status();
  if (key_pem.ok()) {
    json desired = BuildTlsSecret(ns, cr.spec, cr.metadata.name, IssuerIdentity(cr.spec), run_now,
                                  {issued->chain_pem, *key_pem, issued->ca_pem});
    wrote = ctx.client
                .Patch(controller::resources::Secrets(), ns, cr.spec.secret_name,
                       controller::PatchType::kApply, desired,
                       ForceApply())
                .status();
  }

  if (!wrote.ok()) {
    // A failed issuance changes nothing in the Secret: a working certificate stays.
    status.failed_issuance_attempts += 1;
    status.last_failure_time = now;
    std::string message = std::string(wrote.message());
    TimePoint retry_at = now + FailureBackoff(status.failed_issuance_attempts);
    if (ctx.events) ctx.events->Warning(object, "IssuanceFailed", kActionIssue, message);
    if (metrics_) metrics_->CountIssuance(ns, cr.metadata.name, false);
    ctx.log.Error("Issuance failed", wrote);
    absl::Status written = WriteIssuanceOutcome(ctx, *stored, generation, [&](const json& base) {
      json after = WithStatus(base, status);
      Set(after, kConditionIssuing, false, "Failed",
          "Issuance failed (attempt " + std::to_string(status.failed_issuance_attempts) +
              "), retrying at " + Time(retry_at) + ": " + message,
          generation, now);
      if (!StillServable(trigger.reason)) {  // Ready says why there is no certificate
        Set(after, kConditionReady, false, trigger.reason,
            trigger.message + "; issuing one failed: " + message, generation, now);
      }
      return after;
    });
    if (!written.ok()) return written;
    return RequeueAt(retry_at, now);
  }

  status.not_before = leaf->not_before;
  status.not_after = leaf->not_after;
  status.serial_number = leaf->serial_number;
  status.renewal_time = RenewalTime(cr.spec, leaf->not_before, leaf->not_after);
  status.revision += 1;
  status.failed_issuance_attempts = 0;
  status.last_failure_time.reset();
  status.recent_issuances = IssuancesInLast7Days(status.recent_issuances, now);
  status.recent_issuances.push_back(now);
  if (!issued->acme_account_uri.empty()) status.acme_account_uri = issued->acme_account_uri;
  std::string message = "Certificate issued: serial " + leaf->serial_number + ", valid until " +
                        Time(leaf->not_after) + ", renews at " + Time(*status.renewal_time);
  if (ctx.events) ctx.events->Normal(object, "Issued", kActionIssue, message);
  if (metrics_) metrics_->CountIssuance(ns, cr.metadata.name, true);

  for (const api::v1alpha1::WorkloadReference& target : cr.spec.reload_targets) {
    absl::Status restarted = RolloutRestart(ctx.client, ns, target, now);
    if (!restarted.ok() && ctx.events) {
      ctx.events->Warning(object, "ReloadFailed", "Reload",
                          target.kind + " " + target.name + ": " +
                              std::string(restarted.message()));
    } else if (ctx.events) {
      ctx.events->Normal(object, "Reloaded", "Reload",
                         "Rolling restart of " + target.kind + " " + target.name);
    }
  }
  if (cr.spec.verify_serving) {
    serving = CheckServing(cr.spec, leaf->serial_number);
    status.served_serial = serving->served_serial;
  }
  absl::Status written = WriteIssuanceOutcome(ctx, *stored, generation, [&](const json& base) {
    json after = WithStatus(base, status);
    Set(after, kConditionReady, true, "Issued", message, generation, now);
    controller::RemoveCondition(after, kConditionIssuing);
    SetServed(after, cr.spec, serving, generation, now);
    return after;
  });
  if (!written.ok()) return written;
  EmitServedEvent(*stored, serving, ctx);
  return RequeueAt(*status.renewal_time, now, probed(leaf->serial_number));
}

}  // namespace upkeep::reconcilers::certs
