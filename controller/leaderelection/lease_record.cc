#include "controller/leaderelection/lease_record.h"

#include <utility>

namespace upkeep::controller {
namespace {

std::string StringField(const nlohmann::json& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && it->is_string() ? it->get<std::string>() : "";
}

int IntField(const nlohmann::json& spec, const char* field) {
  auto it = spec.find(field);
  return it != spec.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

LeaderElectionRecord RecordFromLease(const nlohmann::json& lease) {
  LeaderElectionRecord record;
  if (!lease.is_object()) return record;
  auto spec = lease.find("spec");
  if (spec == lease.end() || !spec->is_object()) return record;
  record.holder_identity = StringField(*spec, "holderIdentity");
  record.lease_duration_seconds = IntField(*spec, "leaseDurationSeconds");
  record.acquire_time = StringField(*spec, "acquireTime");
  record.renew_time = StringField(*spec, "renewTime");
  record.leader_transitions = IntField(*spec, "leaseTransitions");
  return record;
}

nlohmann::json LeaseWithRecord(nlohmann::json lease, const LeaderElectionRecord& record) {
  nlohmann::json& spec = lease["spec"];
  if (!spec.is_object()) spec = nlohmann::json::object();
  spec["holderIdentity"] = record.holder_identity;
  spec["leaseDurationSeconds"] = record.lease_duration_seconds;
  spec["leaseTransitions"] = record.leader_transitions;
  auto set_time = [&spec](const char* field, const std::string& value) {
    if (value.empty()) {
      spec.erase(field);
    } else {
      spec[field] = value;
    }
  };
  set_time("acquireTime", record.acquire_time);
  set_time("renewTime", record.renew_time);
  return lease;
}

nlohmann::json NewLease(const std::string& namespace_, const std::string& name,
                        const LeaderElectionRecord& record) {
  nlohmann::json lease = {
      {"apiVersion", "coordination.k8s.io/v1"},
      {"kind", "Lease"},
      {"metadata", {{"name", name}, {"namespace", namespace_}}},
  };
  return LeaseWithRecord(std::move(lease), record);
}

}  // namespace upkeep::controller
