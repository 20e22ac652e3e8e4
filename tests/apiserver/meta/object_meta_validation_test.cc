#include "apiserver/meta/object_meta_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using testing::ElementsAre;

constexpr char kSubdomainError[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr char kLabelError[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr char kNamePartError[] =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

std::vector<std::string> Messages(const FieldErrors& errs) {
  std::vector<std::string> out;
  for (const FieldError& e : errs) out.push_back(e.ToString());
  return out;
}

json ValidMeta() {
  return {{"name", "web"},
          {"namespace", "prod"},
          {"labels", {{"app", "web"}, {"example.com/tier", "front_end"}, {"empty", ""}}},
          {"annotations", {{"Example.com/Note", "anything goes here: {}"}}},
          {"finalizers", {"example.com/cleanup"}},
          {"ownerReferences",
           {{{"apiVersion", "apps/v1"},
             {"kind", "ReplicaSet"},
             {"name", "web-1"},
             {"uid", "0c7e"},
             {"controller", true}}}}};
}

TEST(ValidateObjectMetaTest, AcceptsAWellFormedObject) {
  EXPECT_THAT(Messages(ValidateObjectMeta(ValidMeta(), true, NameRule::kDnsSubdomain)),
              testing::IsEmpty());
}

struct Case {
  const char* name;
  json patch;  // merged over ValidMeta()
  bool namespaced;
  NameRule rule;
  std::vector<std::string> messages;
};

// Names the row in test listings; the default prints raw bytes that differ run to run.
void PrintTo(const Case& row, std::ostream* os) { *os << row.name; }

class ValidateObjectMetaTableTest : public testing::TestWithParam<Case> {};

TEST_P(ValidateObjectMetaTableTest, ReportsKubernetesPathsAndMessages) {
  json meta = ValidMeta();
  meta.merge_patch(GetParam().patch);
  EXPECT_EQ(Messages(ValidateObjectMeta(meta, GetParam().namespaced, GetParam().rule)),
            GetParam().messages);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateObjectMetaTableTest,
    testing::Values(
        Case{"NameMissing", {{"name", nullptr}}, true, NameRule::kDnsSubdomain,
             {"metadata.name: Required value: name or generateName is required"}},
        Case{"NameNotASubdomain", {{"name", "Bad_Name"}}, true, NameRule::kDnsSubdomain,
             {std::string("metadata.name: Invalid value: \"Bad_Name\": ") + kSubdomainError}},
        Case{"NameTooLong", {{"name", std::string(254, 'a')}}, true, NameRule::kDnsSubdomain,
             {"metadata.name: Invalid value: \"" + std::string(254, 'a') +
              "\": must be no more than 253 characters"}},
        Case{"DnsLabelRejectsDots", {{"name", "a.b"}, {"namespace", nullptr}}, false, NameRule::kDnsLabel,
             {"metadata.name: Invalid value: \"a.b\": must not contain dots"}},
        Case{"DnsLabelRejectsUppercase", {{"name", "A"}, {"namespace", nullptr}}, false, NameRule::kDnsLabel,
             {std::string("metadata.name: Invalid value: \"A\": ") + kLabelError}},
        Case{"Dns1035LabelMustStartWithLetter", {{"name", "1abc"}}, true,
             NameRule::kDns1035Label,
             {"metadata.name: Invalid value: \"1abc\": a DNS-1035 label must consist of lower "
              "case alphanumeric characters or '-', start with an alphabetic character, and "
              "end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used "
              "for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"}},
        Case{"PathSegmentRejectsSlashAndPercent", {{"name", "a/b%c"}}, true,
             NameRule::kPathSegment,
             {"metadata.name: Invalid value: \"a/b%c\": may not contain '/'",
              "metadata.name: Invalid value: \"a/b%c\": may not contain '%'"}},
        Case{"PathSegmentRejectsDotDot", {{"name", ".."}}, true, NameRule::kPathSegment,
             {"metadata.name: Invalid value: \"..\": may not be '..'"}},
        Case{"PathSegmentAllowsUppercase", {{"name", "Some Name"}}, true,
             NameRule::kPathSegment, {}},
        Case{"GenerateNameMayEndInDash", {{"generateName", "web-"}}, true,
             NameRule::kDnsSubdomain, {}},
        Case{"GenerateNameChecked", {{"generateName", "Web-"}}, true, NameRule::kDnsSubdomain,
             {std::string("metadata.generateName: Invalid value: \"Web-\": ") +
              kSubdomainError}},
        Case{"NamespaceRequired", {{"namespace", nullptr}}, true, NameRule::kDnsSubdomain,
             {"metadata.namespace: Required value"}},
        Case{"NamespaceForbiddenWhenClusterScoped", json::object(), false,
             NameRule::kDnsSubdomain,
             {"metadata.namespace: Forbidden: not allowed on this type"}},
        Case{"NamespaceMustBeADnsLabel", {{"namespace", "Prod"}}, true,
             NameRule::kDnsSubdomain,
             {std::string("metadata.namespace: Invalid value: \"Prod\": ") + kLabelError}},
        Case{"NegativeGeneration", {{"generation", -1}}, true, NameRule::kDnsSubdomain,
             {"metadata.generation: Invalid value: -1: must be greater than or equal to 0"}},
        Case{"LabelKeyInvalid", {{"labels", {{"-a", "b"}}}}, true, NameRule::kDnsSubdomain,
             {std::string("metadata.labels: Invalid value: \"-a\": ") + kNamePartError}},
        Case{"LabelKeyEmptyPrefix", {{"labels", {{"/a", "b"}}}}, true,
             NameRule::kDnsSubdomain,
             {"metadata.labels: Invalid value: \"/a\": prefix part must be non-empty"}},
        Case{"LabelValueInvalid", {{"labels", {{"a", "b c"}}}}, true, NameRule::kDnsSubdomain,
             {"metadata.labels: Invalid value: \"b c\": a valid label must be an empty string "
              "or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
              "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
              "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"}},
        Case{"LabelValueTooLong", {{"labels", {{"a", std::string(64, 'v')}}}}, true,
             NameRule::kDnsSubdomain,
             {"metadata.labels: Invalid value: \"" + std::string(64, 'v') +
              "\": must be no more than 63 characters"}},
        Case{"AnnotationsTooLarge",
             {{"annotations", {{"big", std::string(262144, 'x')}}}}, true,
             NameRule::kDnsSubdomain,
             {"metadata.annotations: Too long: must have at most 262144 bytes"}},
        Case{"AnnotationKeyInvalid", {{"annotations", {{"a b", "x"}}}}, true,
             NameRule::kDnsSubdomain,
             {std::string("metadata.annotations: Invalid value: \"a b\": ") + kNamePartError}},
        Case{"FinalizerNotQualified", {{"finalizers", {"a/b/c"}}}, true,
             NameRule::kDnsSubdomain,
             {"metadata.finalizers: Invalid value: \"a/b/c\": a qualified name must consist "
              "of alphanumeric characters, '-', '_' or '.', and must start and end with an "
              "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
              "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an "
              "optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"}},
        Case{"OrphanAndForegroundTogether", {{"finalizers", {"orphan", "foregroundDeletion"}}},
             true, NameRule::kDnsSubdomain,
             {"metadata.finalizers: Invalid value: [\"orphan\",\"foregroundDeletion\"]: "
              "finalizer orphan and foregroundDeletion cannot be both set"}},
        Case{"OwnerReferenceFieldsRequired", {{"ownerReferences", {json::object()}}}, true,
             NameRule::kDnsSubdomain,
             {"metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be "
              "empty",
              "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
              "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
              "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty"}},
        Case{"OwnerReferenceGroupWithoutVersion",
             {{"ownerReferences",
               {{{"apiVersion", "apps/"}, {"kind", "K"}, {"name", "n"}, {"uid", "u"}}}}},
             true, NameRule::kDnsSubdomain,
             {"metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must "
              "not be empty"}},
        Case{"EventCannotOwn",
             {{"ownerReferences",
               {{{"apiVersion", "v1"}, {"kind", "Event"}, {"name", "e"}, {"uid", "u"}}}}},
             true, NameRule::kDnsSubdomain,
             {"metadata.ownerReferences: Invalid value: "
              "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"name\":\"e\",\"uid\":\"u\"}: "
              "/v1, Kind=Event is disallowed from being an owner"}},
        Case{"OnlyOneController",
             {{"ownerReferences",
               {{{"apiVersion", "v1"}, {"kind", "A"}, {"name", "a"}, {"uid", "1"},
                 {"controller", true}},
                {{"apiVersion", "v1"}, {"kind", "B"}, {"name", "b"}, {"uid", "2"},
                 {"controller", true}}}}},
             true, NameRule::kDnsSubdomain,
             {"metadata.ownerReferences: Invalid value: "
              "[{\"apiVersion\":\"v1\",\"kind\":\"A\",\"name\":\"a\",\"uid\":\"1\","
              "\"controller\":true},{\"apiVersion\":\"v1\",\"kind\":\"B\",\"name\":\"b\","
              "\"uid\":\"2\",\"controller\":true}]: Only one reference can have Controller "
              "set to true. Found \"true\" in references for A/a and B/b"}},
        Case{"ManagedFieldsOperation",
             {{"managedFields", {{{"manager", "kubectl"}, {"operation", "Patch"}}}}}, true,
             NameRule::kDnsSubdomain,
             {"metadata.managedFields[0].operation: Invalid value: \"Patch\": must be `Apply` "
              "or `Update`"}}),
    [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(ValidateObjectMetaTest, ErrorsCarryKubernetesCauseReasons) {
  json meta = ValidMeta();
  meta.erase("name");
  meta["labels"] = {{"-a", "b"}};
  meta["annotations"] = {{"big", std::string(262144, 'x')}};
  FieldErrors errs = ValidateObjectMeta(meta, true, NameRule::kDnsSubdomain);
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_EQ(errs[0].reason, "FieldValueRequired");
  EXPECT_EQ(errs[0].field, "metadata.name");
  EXPECT_EQ(errs[0].detail, "Required value: name or generateName is required");
  EXPECT_EQ(errs[1].reason, "FieldValueInvalid");
  EXPECT_EQ(errs[2].reason, "FieldValueTooLong");
  EXPECT_EQ(errs[2].detail, "Too long: must have at most 262144 bytes");
}

TEST(ValidateObjectMetaTest, AnnotationBudgetCountsKeysAndValues) {
  json at_limit = {{"k", std::string(262143, 'x')}};
  json over_limit = {{"kk", std::string(262143, 'x')}};
  EXPECT_TRUE(ValidateAnnotations(at_limit, "metadata.annotations").empty());
  EXPECT_THAT(Messages(ValidateAnnotations(over_limit, "metadata.annotations")),
              ElementsAre("metadata.annotations: Too long: must have at most 262144 bytes"));
}

TEST(ValidateObjectMetaTest, WrongJsonTypesAreReportedNotIgnored) {
  json meta = ValidMeta();
  meta["labels"] = {{"a", 5}};
  EXPECT_THAT(Messages(ValidateObjectMeta(meta, true, NameRule::kDnsSubdomain)),
              ElementsAre("metadata.labels[a]: Invalid value: 5: must be a string"));
}

TEST(ValidateNameTest, GenerateNamePrefixMasksTrailingDash) {
  EXPECT_TRUE(ValidateName("web-", NameRule::kDnsLabel, /*prefix=*/true).empty());
  EXPECT_FALSE(ValidateName("web-", NameRule::kDnsLabel, /*prefix=*/false).empty());
  EXPECT_TRUE(ValidateName("..", NameRule::kPathSegment, /*prefix=*/true).empty());
}

}  // namespace
}  // namespace upkeep::apiserver
