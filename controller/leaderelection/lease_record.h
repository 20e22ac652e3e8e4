// LeaderElectionRecord: the leader election state kept in a coordination.k8s.io/v1 Lease's
// spec, and its conversion to and from Lease JSON, after client-go's
// resourcelock.LeaderElectionRecord and LeaseLock. Times stay the text the server holds: the
// elector only compares them to notice change and never trusts them as a clock. Pure
// functions and a value type; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace upkeep::controller {

struct LeaderElectionRecord {
  std::string holder_identity;     // "" when nobody holds the lease (released)
  int lease_duration_seconds = 0;  // how long candidates wait after seeing a change
  std::string acquire_time;        // MicroTime text
  std::string renew_time;          // MicroTime text
  int leader_transitions = 0;      // incremented each time the holder changes

  bool operator==(const LeaderElectionRecord&) const = default;
};

// The record in `lease`'s spec; missing fields are empty or zero.
LeaderElectionRecord RecordFromLease(const nlohmann::json& lease);

// `lease` (with its metadata and resourceVersion, for a compare-and-swap update) with its
// spec's election fields replaced by `record`; other spec fields are kept.
nlohmann::json LeaseWithRecord(nlohmann::json lease, const LeaderElectionRecord& record);

// A new Lease `namespace_/name` holding `record`.
nlohmann::json NewLease(const std::string& namespace_, const std::string& name,
                        const LeaderElectionRecord& record);

}  // namespace upkeep::controller
