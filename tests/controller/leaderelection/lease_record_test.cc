#include "controller/leaderelection/lease_record.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

LeaderElectionRecord Held() {
  return {"upkeep-0", 15, "2026-11-22T05:00:00.000000Z", "2026-11-22T05:00:10.500000Z", 3};
}

TEST(LeaseRecordTest, NewLeaseCarriesTheRecordInItsSpec) {
  const nlohmann::json lease = NewLease("upkeep-system", "upkeep-leader", Held());
  EXPECT_EQ(lease["apiVersion"], "coordination.k8s.io/v1");
  EXPECT_EQ(lease["kind"], "Lease");
  EXPECT_EQ(lease["metadata"]["namespace"], "upkeep-system");
  EXPECT_EQ(lease["metadata"]["name"], "upkeep-leader");
  EXPECT_EQ(lease["spec"], (nlohmann::json{{"holderIdentity", "upkeep-0"},
                                           {"leaseDurationSeconds", 15},
                                           {"acquireTime", "2026-11-22T05:00:00.000000Z"},
                                           {"renewTime", "2026-11-22T05:00:10.500000Z"},
                                           {"leaseTransitions", 3}}));
  EXPECT_EQ(RecordFromLease(lease), Held());
}

TEST(LeaseRecordTest, UpdateKeepsMetadataAndOtherSpecFields) {
  nlohmann::json lease = NewLease("ns", "l", Held());
  lease["metadata"]["resourceVersion"] = "17";
  lease["spec"]["strategy"] = "OldestEmulationVersion";
  LeaderElectionRecord released;
  released.lease_duration_seconds = 1;
  released.leader_transitions = 3;
  const nlohmann::json updated = LeaseWithRecord(lease, released);
  EXPECT_EQ(updated["metadata"]["resourceVersion"], "17");
  EXPECT_EQ(updated["spec"]["strategy"], "OldestEmulationVersion");
  EXPECT_EQ(updated["spec"]["holderIdentity"], "");
  EXPECT_FALSE(updated["spec"].contains("renewTime"));
  EXPECT_EQ(RecordFromLease(updated), released);
}

TEST(LeaseRecordTest, MissingOrMalformedSpecReadsAsEmpty) {
  EXPECT_EQ(RecordFromLease({{"kind", "Lease"}}), LeaderElectionRecord{});
  EXPECT_EQ(RecordFromLease({{"spec", {{"holderIdentity", 7}, {"leaseTransitions", "x"}}}}),
            LeaderElectionRecord{});
}

}  // namespace
}  // namespace upkeep::controller
