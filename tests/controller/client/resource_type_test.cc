#include "controller/client/resource_type.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

TEST(ResourceTypeTest, CoreGroupPaths) {
  ResourceType cm = resources::ConfigMaps();
  EXPECT_EQ(cm.ApiVersion(), "v1");
  EXPECT_EQ(cm.GroupResource(), "configmaps");
  EXPECT_EQ(cm.CollectionPath("default"), "/api/v1/namespaces/default/configmaps");
  EXPECT_EQ(cm.CollectionPath(""), "/api/v1/configmaps");
  EXPECT_EQ(cm.ObjectPath("default", "a"), "/api/v1/namespaces/default/configmaps/a");
}

TEST(ResourceTypeTest, NamedGroupPathsWithSubresource) {
  ResourceType d = resources::Deployments();
  EXPECT_EQ(d.ApiVersion(), "apps/v1");
  EXPECT_EQ(d.GroupResource(), "deployments.apps");
  EXPECT_EQ(d.ObjectPath("ns", "web", "status"),
            "/apis/apps/v1/namespaces/ns/deployments/web/status");
}

TEST(ResourceTypeTest, ClusterScopedKindsIgnoreTheNamespace) {
  ResourceType ns = resources::Namespaces();
  EXPECT_EQ(ns.ObjectPath("default", "kube-system"), "/api/v1/namespaces/kube-system");
}

TEST(ResourceTypeTest, LeasesAndEvents) {
  EXPECT_EQ(resources::Leases().CollectionPath("x"),
            "/apis/coordination.k8s.io/v1/namespaces/x/leases");
  EXPECT_EQ(resources::Events().GroupResource(), "events.events.k8s.io");
  EXPECT_EQ(resources::CoreEvents().CollectionPath("x"), "/api/v1/namespaces/x/events");
}

}  // namespace
}  // namespace upkeep::controller
