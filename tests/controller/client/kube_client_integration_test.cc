// KubeClient verbs against a real `upkeep apiserver`.
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/client/api_error.h"
#include "controller/client/kube_client.h"
#include "tests/support/apiserver_process.h"

namespace upkeep::controller {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class KubeClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    client_ = NewClient("upkeep");
  }

  std::unique_ptr<KubeClient> NewClient(const std::string& field_manager) {
    ClientOptions options;
    options.field_manager = field_manager;
    options.qps = 0;
    auto client = KubeClient::Create(server_->client_config(), options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  static json ConfigMap(const std::string& name, json data) {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"namespace", "default"}}},
            {"data", std::move(data)}};
  }

  std::unique_ptr<testing::ApiServerProcess> server_;
  std::unique_ptr<KubeClient> client_;
  const ResourceType cm_ = resources::ConfigMaps();
};

TEST_F(KubeClientIntegrationTest, CreateGetUpdateDelete) {
  auto created = client_->Create(cm_, "default", ConfigMap("a", {{"k", "1"}}));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ((*created)["data"]["k"], "1");
  const std::string rv1 = (*created)["metadata"]["resourceVersion"];

  auto got = client_->Get(cm_, "default", "a");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)["metadata"]["uid"], (*created)["metadata"]["uid"]);

  json next = *got;
  next["data"]["k"] = "2";
  auto updated = client_->Update(cm_, next);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ((*updated)["data"]["k"], "2");
  EXPECT_NE((*updated)["metadata"]["resourceVersion"], rv1);

  // The same write from the stale copy is refused: optimistic concurrency.
  next["data"]["k"] = "3";
  auto stale = client_->Update(cm_, next);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(IsConflict(stale.status())) << stale.status();
  EXPECT_THAT(stale.status().message(), HasSubstr("update configmaps default/a: "));

  auto duplicate = client_->Create(cm_, "default", ConfigMap("a", {}));
  EXPECT_TRUE(controller::IsAlreadyExists(duplicate.status())) << duplicate.status();

  ASSERT_TRUE(client_->Delete(cm_, "default", "a").ok());
  auto gone = client_->Get(cm_, "default", "a");
  EXPECT_TRUE(controller::IsNotFound(gone.status())) << gone.status();
  EXPECT_THAT(gone.status().message(), HasSubstr("get configmaps default/a: "));
  EXPECT_TRUE(controller::IsNotFound(client_->Delete(cm_, "default", "a")));
}

TEST_F(KubeClientIntegrationTest, CreateRecordsTheFieldManager) {
  auto created = client_->Create(cm_, "default", ConfigMap("managed", {{"k", "1"}}));
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE((*created)["metadata"].contains("managedFields"));
  EXPECT_EQ((*created)["metadata"]["managedFields"][0]["manager"], "upkeep");
}

TEST_F(KubeClientIntegrationTest, DryRunCreatesNothing) {
  WriteOptions dry;
  dry.dry_run = true;
  ASSERT_TRUE(client_->Create(cm_, "default", ConfigMap("dry", {}), dry).ok());
  EXPECT_TRUE(controller::IsNotFound(client_->Get(cm_, "default", "dry").status()));
}

TEST_F(KubeClientIntegrationTest, MergeAndJsonPatch) {
  ASSERT_TRUE(client_->Create(cm_, "default", ConfigMap("p", {{"a", "1"}, {"b", "2"}})).ok());
  auto merged = client_->Patch(cm_, "default", "p", PatchType::kMerge,
                               {{"data", {{"a", "10"}, {"b", nullptr}}}});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ((*merged)["data"], json({{"a", "10"}}));

  auto patched = client_->Patch(cm_, "default", "p", PatchType::kJson,
                                json::array({{{"op", "add"}, {"path", "/data/c"}, {"value", "3"}},
                                             {{"op", "remove"}, {"path", "/data/a"}}}));
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_EQ((*patched)["data"], json({{"c", "3"}}));

  auto strategic = client_->Patch(cm_, "default", "p", PatchType::kStrategicMerge,
                                  {{"data", {{"d", "4"}}}});
  ASSERT_TRUE(strategic.ok()) << strategic.status();
  EXPECT_EQ((*strategic)["data"]["d"], "4");

  auto failed_test = client_->Patch(
      cm_, "default", "p", PatchType::kJson,
      json::array({{{"op", "test"}, {"path", "/data/c"}, {"value", "wrong"}}}));
  EXPECT_FALSE(failed_test.ok());
}

TEST_F(KubeClientIntegrationTest, ServerSideApplyConflictsUnlessForced) {
  std::unique_ptr<KubeClient> alpha = NewClient("alpha");
  std::unique_ptr<KubeClient> beta = NewClient("beta");
  auto applied = alpha->Patch(cm_, "default", "ssa", PatchType::kApply,
                              ConfigMap("ssa", {{"owner", "alpha"}}));
  ASSERT_TRUE(applied.ok()) << applied.status();

  auto conflict = beta->Patch(cm_, "default", "ssa", PatchType::kApply,
                              ConfigMap("ssa", {{"owner", "beta"}}));
  ASSERT_FALSE(conflict.ok());
  EXPECT_TRUE(IsConflict(conflict.status())) << conflict.status();
  EXPECT_THAT(conflict.status().message(), HasSubstr("apply configmaps default/ssa: "));

  WriteOptions force;
  force.force = true;
  auto forced = beta->Patch(cm_, "default", "ssa", PatchType::kApply,
                            ConfigMap("ssa", {{"owner", "beta"}}), force);
  ASSERT_TRUE(forced.ok()) << forced.status();
  EXPECT_EQ((*forced)["data"]["owner"], "beta");
  std::set<std::string> managers;
  for (const auto& m : (*forced)["metadata"]["managedFields"]) managers.insert(m["manager"]);
  EXPECT_TRUE(managers.count("beta")) << (*forced)["metadata"].dump();
}

TEST_F(KubeClientIntegrationTest, StatusSubresourceOnlyChangesStatus) {
  const ResourceType deployments = resources::Deployments();
  json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "web"}, {"namespace", "default"}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", {{"app", "web"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", json::array({{{"name", "web"}, {"image", "nginx"}}})}}}}}}}};
  auto created = client_->Create(deployments, "default", deployment);
  ASSERT_TRUE(created.ok()) << created.status();

  json with_status = *created;
  with_status["status"] = {{"observedGeneration", 1}, {"replicas", 1}};
  with_status["spec"]["replicas"] = 5;  // ignored by /status
  WriteOptions status;
  status.subresource = "status";
  auto updated = client_->Update(deployments, with_status, status);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ((*updated)["status"]["replicas"], 1);
  EXPECT_EQ((*updated)["spec"]["replicas"], 1);

  // The main endpoint ignores status.
  json main = *updated;
  main["status"]["replicas"] = 7;
  auto main_updated = client_->Update(deployments, main);
  ASSERT_TRUE(main_updated.ok()) << main_updated.status();
  EXPECT_EQ((*main_updated)["status"]["replicas"], 1);

  auto patched = client_->Patch(deployments, "default", "web", PatchType::kMerge,
                                {{"status", {{"replicas", 2}}}}, status);
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_EQ((*patched)["status"]["replicas"], 2);
}

TEST_F(KubeClientIntegrationTest, ListPagesWithLimitAndContinue) {
  for (int i = 0; i < 25; ++i) {
    json cm = ConfigMap("page-" + std::to_string(i), {});
    cm["metadata"]["labels"] = {{"set", "paging"}};
    ASSERT_TRUE(client_->Create(cm_, "default", cm).ok());
  }
  ASSERT_TRUE(client_->Create(cm_, "default", ConfigMap("unlabelled", {})).ok());

  std::set<std::string> names;
  ListOptions options;
  options.label_selector = "set=paging";
  options.limit = 10;
  int pages = 0;
  do {
    auto page = client_->List(cm_, "default", options);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    EXPECT_LE((*page)["items"].size(), 10u);
    for (const auto& item : (*page)["items"]) names.insert(item["metadata"]["name"]);
    options.continue_token = (*page)["metadata"].value("continue", "");
  } while (!options.continue_token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(names.size(), 25u);
  EXPECT_FALSE(names.count("unlabelled"));
}

TEST_F(KubeClientIntegrationTest, ListAcrossNamespacesAndClusterScoped) {
  ASSERT_TRUE(client_->Create(cm_, "default", ConfigMap("everywhere", {})).ok());
  auto all = client_->List(cm_, "");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_GE((*all)["items"].size(), 1u);
  auto namespaces = client_->List(resources::Namespaces(), "");
  ASSERT_TRUE(namespaces.ok()) << namespaces.status();
  std::set<std::string> names;
  for (const auto& ns : (*namespaces)["items"]) names.insert(ns["metadata"]["name"]);
  EXPECT_TRUE(names.count("default"));
}

TEST_F(KubeClientIntegrationTest, DeletePreconditionsAreChecked) {
  auto created = client_->Create(cm_, "default", ConfigMap("pre", {}));
  ASSERT_TRUE(created.ok());
  DeleteOptions wrong;
  wrong.precondition_uid = "not-the-uid";
  EXPECT_TRUE(IsConflict(client_->Delete(cm_, "default", "pre", wrong)));
  DeleteOptions right;
  right.precondition_uid = (*created)["metadata"]["uid"];
  right.precondition_resource_version = (*created)["metadata"]["resourceVersion"];
  right.propagation_policy = "Background";
  EXPECT_TRUE(client_->Delete(cm_, "default", "pre", right).ok());
  EXPECT_TRUE(controller::IsNotFound(client_->Get(cm_, "default", "pre").status()));
}

TEST_F(KubeClientIntegrationTest, InvalidObjectIsInvalid) {
  auto created = client_->Create(cm_, "default", ConfigMap("Not_A_Valid_Name", {}));
  ASSERT_FALSE(created.ok());
  EXPECT_TRUE(IsInvalid(created.status())) << created.status();
}

TEST_F(KubeClientIntegrationTest, HostIsTheServersAddress) {
  EXPECT_EQ("http://" + client_->Host(), server_->url());
}

TEST(ApiServerRestartTest, PersistentServerKeepsObjectsAndPortAcrossKill) {
  testing::ApiServerProcessOptions options;
  options.persistent = true;
  auto server = testing::ApiServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  ClientOptions client_options;
  client_options.initial_backoff = std::chrono::milliseconds(50);
  auto client = KubeClient::Create((*server)->client_config(), client_options);
  ASSERT_TRUE(client.ok()) << client.status();
  const ResourceType cm = resources::ConfigMaps();
  nlohmann::json object = {{"metadata", {{"name", "durable"}}}, {"data", {{"k", "v"}}}};
  ASSERT_TRUE((*client)->Create(cm, "default", object).ok());
  const std::string url = (*server)->url();
  (*server)->Kill();
  ASSERT_TRUE((*server)->Restart().ok());
  EXPECT_EQ((*server)->url(), url);
  auto got = (*client)->Get(cm, "default", "durable");  // the same client, a new connection
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)["data"]["k"], "v");
}

}  // namespace
}  // namespace upkeep::controller
