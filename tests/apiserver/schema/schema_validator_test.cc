#include "apiserver/schema/schema_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using ::testing::ElementsAreArray;

// "reason field: detail", one string per error, so a failing row shows everything at once.
std::vector<std::string> Describe(const FieldErrors& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) out.push_back(e.reason + " " + e.ToString());
  return out;
}

// A custom resource whose spec has one field, `spec.<field>`, described by `field_schema`.
json SchemaWithSpecField(const std::string& field, const json& field_schema) {
  return {
      {"type", "object"},
      {"properties", {{"spec", {{"type", "object"}, {"properties", {{field, field_schema}}}}}}}};
}

json ResourceWithSpec(const json& spec) {
  return {{"apiVersion", "upkeep.dev/v1"},
          {"kind", "BackupPolicy"},
          {"metadata", {{"name", "nightly"}, {"namespace", "default"}}},
          {"spec", spec}};
}

struct KeywordCase {
  std::string name;
  std::string field;
  json field_schema;
  json value;
  std::vector<std::string> expected;
};

// Test names already say which row failed; print just that instead of raw bytes.
void PrintTo(const KeywordCase& c, std::ostream* os) { *os << c.name; }

class ValidateAgainstSchemaKeywordTest : public ::testing::TestWithParam<KeywordCase> {};

TEST_P(ValidateAgainstSchemaKeywordTest, ReportsExactlyTheKubernetesErrors) {
  const KeywordCase& c = GetParam();
  json object = ResourceWithSpec({{c.field, c.value}});
  EXPECT_THAT(Describe(ValidateAgainstSchema(SchemaWithSpecField(c.field, c.field_schema), object)),
              ElementsAreArray(c.expected));
}

const json kSetOfStrings = {
    {"type", "array"}, {"x-kubernetes-list-type", "set"}, {"items", {{"type", "string"}}}};
const json kPortList = {
    {"type", "array"},
    {"x-kubernetes-list-type", "map"},
    {"x-kubernetes-list-map-keys", {"name"}},
    {"items",
     {{"type", "object"},
      {"properties", {{"name", {{"type", "string"}}}, {"port", {{"type", "integer"}}}}}}}};
const json kEmbedded = {{"type", "object"},
                        {"x-kubernetes-embedded-resource", true},
                        {"x-kubernetes-preserve-unknown-fields", true}};

INSTANTIATE_TEST_SUITE_P(
    Keywords, ValidateAgainstSchemaKeywordTest,
    ::testing::ValuesIn(std::vector<KeywordCase>{
        // type
        {"IntegerAccepted", "replicas", {{"type", "integer"}}, 3, {}},
        {"IntegralFloatCountsAsInteger", "replicas", {{"type", "integer"}}, 3.0, {}},
        {"StringIsNotInteger",
         "replicas",
         {{"type", "integer"}},
         "string",
         {"FieldValueTypeInvalid spec.replicas: Invalid value: \"string\": spec.replicas in "
          "body must be of type integer: \"string\""}},
        {"FractionIsNotInteger",
         "replicas",
         {{"type", "integer"}},
         3.5,
         {"FieldValueTypeInvalid spec.replicas: Invalid value: \"number\": spec.replicas in "
          "body must be of type integer: \"number\""}},
        {"IntegerAcceptedAsNumber", "ratio", {{"type", "number"}}, 3, {}},
        {"StringIsNotBoolean",
         "flag",
         {{"type", "boolean"}},
         "true",
         {"FieldValueTypeInvalid spec.flag: Invalid value: \"string\": spec.flag in body must "
          "be of type boolean: \"string\""}},
        {"ObjectIsNotArray",
         "list",
         {{"type", "array"}, {"items", {{"type", "string"}}}},
         json::object(),
         {"FieldValueTypeInvalid spec.list: Invalid value: \"object\": spec.list in body must "
          "be of type array: \"object\""}},
        {"ArrayIsNotObject",
         "opts",
         {{"type", "object"}},
         json::array(),
         {"FieldValueTypeInvalid spec.opts: Invalid value: \"array\": spec.opts in body must be "
          "of type object: \"array\""}},
        // required
        {"RequiredPresent",
         "retention",
         {{"type", "object"},
          {"required", {"keepDaily"}},
          {"properties", {{"keepDaily", {{"type", "integer"}}}}}},
         {{"keepDaily", 7}},
         {}},
        {"RequiredMissing",
         "retention",
         {{"type", "object"},
          {"required", {"keepDaily"}},
          {"properties", {{"keepDaily", {{"type", "integer"}}}}}},
         json::object(),
         {"FieldValueRequired spec.retention.keepDaily: Required value"}},
        // enum
        {"EnumMember",
         "compression",
         {{"type", "string"}, {"enum", {"zstd", "gzip", "none"}}},
         "gzip",
         {}},
        {"EnumNonMember",
         "compression",
         {{"type", "string"}, {"enum", {"zstd", "gzip", "none"}}},
         "lz4",
         {"FieldValueNotSupported spec.compression: Unsupported value: \"lz4\": supported "
          "values: \"zstd\", \"gzip\", \"none\""}},
        {"NumericEnumNonMember",
         "level",
         {{"type", "integer"}, {"enum", {1, 2}}},
         3,
         {"FieldValueNotSupported spec.level: Unsupported value: 3: supported values: \"1\", "
          "\"2\""}},
        // pattern
        {"PatternMatch", "name", {{"type", "string"}, {"pattern", "^[a-z]+$"}}, "abc", {}},
        {"PatternMismatch",
         "name",
         {{"type", "string"}, {"pattern", "^[a-z]+$"}},
         "ABC",
         {"FieldValueInvalid spec.name: Invalid value: \"ABC\": spec.name in body should match "
          "'^[a-z]+$'"}},
        // numeric bounds
        {"MinimumMet", "count", {{"type", "integer"}, {"minimum", 1}}, 1, {}},
        {"MinimumMissed",
         "count",
         {{"type", "integer"}, {"minimum", 1}},
         0,
         {"FieldValueInvalid spec.count: Invalid value: 0: spec.count in body should be greater "
          "than or equal to 1"}},
        {"MaximumMissed",
         "count",
         {{"type", "integer"}, {"maximum", 10}},
         11,
         {"FieldValueInvalid spec.count: Invalid value: 11: spec.count in body should be less "
          "than or equal to 10"}},
        {"ExclusiveMinimumMissed",
         "count",
         {{"type", "integer"}, {"minimum", 0}, {"exclusiveMinimum", true}},
         0,
         {"FieldValueInvalid spec.count: Invalid value: 0: spec.count in body should be greater "
          "than 0"}},
        {"ExclusiveMaximumMissed",
         "count",
         {{"type", "integer"}, {"maximum", 10}, {"exclusiveMaximum", true}},
         10,
         {"FieldValueInvalid spec.count: Invalid value: 10: spec.count in body should be less "
          "than 10"}},
        {"FloatBelowMinimum",
         "ratio",
         {{"type", "number"}, {"minimum", 1}},
         0.5,
         {"FieldValueInvalid spec.ratio: Invalid value: 0.5: spec.ratio in body should be "
          "greater than or equal to 1"}},
        {"MultipleOfMet", "step", {{"type", "integer"}, {"multipleOf", 5}}, 10, {}},
        {"MultipleOfMissed",
         "step",
         {{"type", "integer"}, {"multipleOf", 5}},
         7,
         {"FieldValueInvalid spec.step: Invalid value: 7: spec.step in body should be a "
          "multiple of 5"}},
        {"FractionalMultipleOfMissed",
         "step",
         {{"type", "number"}, {"multipleOf", 0.5}},
         0.75,
         {"FieldValueInvalid spec.step: Invalid value: 0.75: spec.step in body should be a "
          "multiple of 0.5"}},
        // string length, in characters
        {"MinLengthMissed",
         "name",
         {{"type", "string"}, {"minLength", 3}},
         "ab",
         {"FieldValueInvalid spec.name: Invalid value: \"ab\": spec.name in body should be at "
          "least 3 chars long"}},
        {"MaxLengthMissed",
         "name",
         {{"type", "string"}, {"maxLength", 5}},
         "abcdef",
         {"FieldValueTooLong spec.name: Too long: may not be more than 5 bytes"}},
        {"MaxLengthCountsCharactersNotBytes",
         "name",
         {{"type", "string"}, {"maxLength", 3}},
         "h\xC3\xA9\xC3\xA9",
         {}},
        // array size and uniqueness
        {"MinItemsMissed",
         "list",
         {{"type", "array"}, {"minItems", 2}, {"items", {{"type", "integer"}}}},
         {1},
         {"FieldValueInvalid spec.list: Invalid value: 1: spec.list in body should have at "
          "least 2 items"}},
        {"MaxItemsMissed",
         "list",
         {{"type", "array"}, {"maxItems", 2}, {"items", {{"type", "integer"}}}},
         {1, 2, 3},
         {"FieldValueTooMany spec.list: Too many: 3: must have at most 2 items"}},
        {"UniqueItemsMet",
         "list",
         {{"type", "array"}, {"uniqueItems", true}, {"items", {{"type", "integer"}}}},
         {1, 2},
         {}},
        {"UniqueItemsMissed",
         "list",
         {{"type", "array"}, {"uniqueItems", true}, {"items", {{"type", "integer"}}}},
         {1, 1},
         {"FieldValueInvalid spec.list: Invalid value: \"\": spec.list in body shouldn't "
          "contain duplicates"}},
        {"ItemTypeChecked",
         "checks",
         {{"type", "array"},
          {"items", {{"type", "object"}, {"properties", {{"sql", {{"type", "string"}}}}}}}},
         json::array({{{"sql", "select 1"}}, {{"sql", 5}}}),
         {"FieldValueTypeInvalid spec.checks[1].sql: Invalid value: \"integer\": "
          "spec.checks[1].sql in body must be of type string: \"integer\""}},
        // object size and additionalProperties
        {"MinPropertiesMissed",
         "labels",
         {{"type", "object"}, {"minProperties", 1}, {"additionalProperties", {{"type", "string"}}}},
         json::object(),
         {"FieldValueInvalid spec.labels: Invalid value: 0: spec.labels in body should have at "
          "least 1 properties"}},
        {"MaxPropertiesMissed",
         "labels",
         {{"type", "object"}, {"maxProperties", 1}, {"additionalProperties", {{"type", "string"}}}},
         {{"a", "x"}, {"b", "y"}},
         {"FieldValueTooMany spec.labels: Too many: 2: must have at most 1 item"}},
        {"AdditionalPropertiesSchemaChecked",
         "labels",
         {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}},
         {{"foo", 1}},
         {"FieldValueTypeInvalid spec.labels.foo: Invalid value: \"integer\": spec.labels.foo "
          "in body must be of type string: \"integer\""}},
        {"AdditionalPropertiesFalse",
         "opts",
         {{"type", "object"},
          {"additionalProperties", false},
          {"properties", {{"a", {{"type", "string"}}}}}},
         {{"a", "x"}, {"b", "y"}},
         {"FieldValueInvalid spec.opts: Invalid value: \"b\": spec.opts.b in body is a "
          "forbidden property"}},
        // formats
        {"DateTimeValid",
         "at",
         {{"type", "string"}, {"format", "date-time"}},
         "2024-05-01T10:00:00Z",
         {}},
        {"DateTimeWithOffsetAndFraction",
         "at",
         {{"type", "string"}, {"format", "date-time"}},
         "2024-05-01T10:00:00.123+02:00",
         {}},
        {"DateTimeInvalid",
         "at",
         {{"type", "string"}, {"format", "date-time"}},
         "yesterday",
         {"FieldValueTypeInvalid spec.at: Invalid value: \"yesterday\": spec.at in body must be "
          "of type date-time: \"yesterday\""}},
        {"DateValid", "on", {{"type", "string"}, {"format", "date"}}, "2024-02-29", {}},
        {"DateNotOnCalendar",
         "on",
         {{"type", "string"}, {"format", "date"}},
         "2023-02-29",
         {"FieldValueTypeInvalid spec.on: Invalid value: \"2023-02-29\": spec.on in body must be "
          "of type date: \"2023-02-29\""}},
        {"UuidValid",
         "id",
         {{"type", "string"}, {"format", "uuid"}},
         "123e4567-E89B-12d3-a456-426614174000",
         {}},
        {"UuidInvalid",
         "id",
         {{"type", "string"}, {"format", "uuid"}},
         "123",
         {"FieldValueTypeInvalid spec.id: Invalid value: \"123\": spec.id in body must be of "
          "type uuid: \"123\""}},
        {"ByteValid", "blob", {{"type", "string"}, {"format", "byte"}}, "aGVsbG8=", {}},
        {"ByteInvalid",
         "blob",
         {{"type", "string"}, {"format", "byte"}},
         "not base64!",
         {"FieldValueTypeInvalid spec.blob: Invalid value: \"not base64!\": spec.blob in body "
          "must be of type byte: \"not base64!\""}},
        {"Int32FormatAcceptsInteger", "port", {{"type", "integer"}, {"format", "int32"}}, 8080, {}},
        {"Int64FormatRejectsFraction",
         "port",
         {{"type", "integer"}, {"format", "int64"}},
         1.5,
         {"FieldValueTypeInvalid spec.port: Invalid value: \"float64\": spec.port in body must "
          "be of type int64: \"float64\""}},
        {"UnknownFormatIgnored",
         "name",
         {{"type", "string"}, {"format", "k8s-whatever"}},
         "anything",
         {}},
        // nullable
        {"NullAllowedWhenNullable", "note", {{"type", "string"}, {"nullable", true}}, nullptr, {}},
        {"NullRejectedOtherwise",
         "note",
         {{"type", "string"}},
         nullptr,
         {"FieldValueTypeInvalid spec.note: Invalid value: \"null\": spec.note in body must be "
          "of type string: \"null\""}},
        // Kubernetes extensions
        {"IntOrStringTakesInteger", "port", {{"x-kubernetes-int-or-string", true}}, 80, {}},
        {"IntOrStringTakesString", "port", {{"x-kubernetes-int-or-string", true}}, "http", {}},
        {"IntOrStringRejectsBoolean",
         "port",
         {{"x-kubernetes-int-or-string", true}},
         true,
         {"FieldValueTypeInvalid spec.port: Invalid value: \"boolean\": spec.port in body must "
          "be of type integer,string: \"boolean\""}},
        {"PreserveUnknownFieldsTakesAnything",
         "raw",
         {{"x-kubernetes-preserve-unknown-fields", true}},
         {{"any", {1, "two"}}},
         {}},
        {"MapTypeAccepted",
         "selector",
         {{"type", "object"},
          {"x-kubernetes-map-type", "atomic"},
          {"additionalProperties", {{"type", "string"}}}},
         {{"app", "db"}},
         {}},
        {"CelRulesIgnored",
         "window",
         {{"type", "string"}, {"x-kubernetes-validations", {{{"rule", "self == 'never'"}}}}},
         "always",
         {}},
        {"ListSetUnique", "tags", kSetOfStrings, {"a", "b"}, {}},
        {"ListSetDuplicate",
         "tags",
         kSetOfStrings,
         {"a", "b", "a", "a"},
         {"FieldValueDuplicate spec.tags[2]: Duplicate value: \"a\""}},
        {"ListMapUniqueKeys",
         "ports",
         kPortList,
         json::array({{{"name", "a"}, {"port", 1}}, {{"name", "b"}, {"port", 1}}}),
         {}},
        {"ListMapDuplicateKey",
         "ports",
         kPortList,
         json::array({{{"name", "a"}, {"port", 1}}, {{"name", "a"}, {"port", 2}}}),
         {"FieldValueDuplicate spec.ports[1]: Duplicate value: {\"name\":\"a\"}"}},
        {"ListMapMissingKeysCollide",
         "ports",
         kPortList,
         json::array({{{"port", 1}}, {{"port", 2}}}),
         {"FieldValueDuplicate spec.ports[1]: Duplicate value: {}"}},
        {"ListMapItemMustBeObject",
         "ports",
         kPortList,
         json::array({"a", "b"}),
         {"FieldValueTypeInvalid spec.ports[0]: Invalid value: \"string\": spec.ports[0] in body "
          "must be of type object: \"string\"",
          "FieldValueTypeInvalid spec.ports[1]: Invalid value: \"string\": spec.ports[1] in body "
          "must be of type object: \"string\"",
          "FieldValueInvalid spec.ports[0]: Invalid value: \"a\": must be an object for an array "
          "of list-type map"}},
        {"EmbeddedResourceComplete",
         "template",
         kEmbedded,
         {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"data", {{"a", "b"}}}},
         {}},
        {"EmbeddedResourceNeedsTypeMeta",
         "template",
         kEmbedded,
         {{"metadata", json::object()}},
         {"FieldValueRequired spec.template.apiVersion: Required value",
          "FieldValueRequired spec.template.kind: Required value"}},
        {"EmbeddedResourceKindMustBeLabel",
         "template",
         kEmbedded,
         {{"apiVersion", "a/b/c"}, {"kind", "Config_Map"}},
         {"FieldValueInvalid spec.template.apiVersion: Invalid value: \"a/b/c\": unexpected "
          "GroupVersion string: a/b/c",
          "FieldValueInvalid spec.template.kind: Invalid value: \"Config_Map\": may have mixed "
          "case, but should otherwise match: a DNS-1035 label must consist of lower case "
          "alphanumeric characters or '-', start with an alphabetic character, and end with an "
          "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
          "'[a-z]([-a-z0-9]*[a-z0-9])?')"}},
    }),
    [](const ::testing::TestParamInfo<KeywordCase>& info) { return info.param.name; });

struct JunctorCase {
  std::string name;
  json field_schema;
  json value;
  std::vector<std::string> expected;
};

// Test names already say which row failed; print just that instead of raw bytes.
void PrintTo(const JunctorCase& c, std::ostream* os) { *os << c.name; }

class ValidateAgainstSchemaJunctorTest : public ::testing::TestWithParam<JunctorCase> {};

// Kubernetes reports allOf/anyOf/oneOf/not failures without a field, printed as "<nil>", next to
// the errors of the branch that came closest.
TEST_P(ValidateAgainstSchemaJunctorTest, ReportsTheJunctorAndTheClosestBranch) {
  const JunctorCase& c = GetParam();
  json object = ResourceWithSpec({{"source", c.value}});
  EXPECT_THAT(
      Describe(ValidateAgainstSchema(SchemaWithSpecField("source", c.field_schema), object)),
      ElementsAreArray(c.expected));
}

const json kS3OrPvc = {
    {"type", "object"},
    {"properties", {{"s3", {{"type", "string"}}}, {"pvc", {{"type", "string"}}}}}};

json WithJunctor(json schema, const std::string& junctor, const json& branches) {
  schema[junctor] = branches;
  return schema;
}

INSTANTIATE_TEST_SUITE_P(
    Junctors, ValidateAgainstSchemaJunctorTest,
    ::testing::ValuesIn(std::vector<JunctorCase>{
        {"OneOfExactlyOne",
         WithJunctor(kS3OrPvc, "oneOf", {{{"required", {"s3"}}}, {{"required", {"pvc"}}}}),
         {{"s3", "bucket"}},
         {}},
        {"OneOfNone",
         WithJunctor(kS3OrPvc, "oneOf", {{{"required", {"s3"}}}, {{"required", {"pvc"}}}}),
         json::object(),
         {"FieldValueInvalid <nil>: Invalid value: \"\": \"spec.source\" must validate one and "
          "only one schema (oneOf). Found none valid",
          "FieldValueRequired spec.source.s3: Required value"}},
        {"OneOfTwo",
         WithJunctor(kS3OrPvc, "oneOf", {{{"required", {"s3"}}}, {{"required", {"pvc"}}}}),
         {{"s3", "bucket"}, {"pvc", "claim"}},
         {"FieldValueInvalid <nil>: Invalid value: \"\": \"spec.source\" must validate one and "
          "only one schema (oneOf). Found 2 valid alternatives"}},
        {"AnyOfOne",
         WithJunctor(kS3OrPvc, "anyOf", {{{"required", {"s3"}}}, {{"required", {"pvc"}}}}),
         {{"pvc", "claim"}},
         {}},
        {"AnyOfNone",
         WithJunctor(kS3OrPvc, "anyOf", {{{"required", {"s3"}}}, {{"required", {"pvc"}}}}),
         json::object(),
         {"FieldValueInvalid <nil>: Invalid value: \"\": \"spec.source\" must validate at least "
          "one schema (anyOf)",
          "FieldValueRequired spec.source.s3: Required value"}},
        {"AllOfBoth",
         {{"type", "integer"}, {"allOf", {{{"minimum", 1}}, {{"maximum", 5}}}}},
         3,
         {}},
        {"AllOfOneFails",
         {{"type", "integer"}, {"allOf", {{{"minimum", 1}}, {{"maximum", 5}}}}},
         7,
         {"FieldValueInvalid spec.source: Invalid value: 7: spec.source in body should be less "
          "than or equal to 5",
          "FieldValueInvalid <nil>: Invalid value: \"\": \"spec.source\" must validate all the "
          "schemas (allOf)"}},
        {"NotUnmatched", {{"type", "string"}, {"not", {{"enum", {"forbidden"}}}}}, "fine", {}},
        {"NotMatched",
         {{"type", "string"}, {"not", {{"enum", {"forbidden"}}}}},
         "forbidden",
         {"FieldValueInvalid <nil>: Invalid value: \"\": \"spec.source\" must not validate the "
          "schema (not)"}},
    }),
    [](const ::testing::TestParamInfo<JunctorCase>& info) { return info.param.name; });

TEST(ValidateAgainstSchemaTest, RootMetadataIsLeftToObjectMetaValidation) {
  json schema = {{"type", "object"}, {"properties", {{"spec", {{"type", "object"}}}}}};
  json object = ResourceWithSpec(json::object());
  object["metadata"]["labels"] = {{"app", "db"}};
  object["metadata"]["creationTimestamp"] = nullptr;
  EXPECT_TRUE(ValidateAgainstSchema(schema, object).empty());
}

TEST(ValidateAgainstSchemaTest, RootMetadataNameRestrictionApplies) {
  json schema = {{"type", "object"},
                 {"properties",
                  {{"metadata",
                    {{"type", "object"},
                     {"properties", {{"name", {{"type", "string"}, {"maxLength", 5}}}}}}}}}};
  EXPECT_THAT(Describe(ValidateAgainstSchema(schema, ResourceWithSpec(json::object()))),
              ElementsAreArray({"FieldValueTooLong metadata.name: Too long: may not be more than "
                                "5 bytes"}));
}

TEST(ValidateAgainstSchemaTest, ListTypeErrorsUseBracketsForMapKeys) {
  json schema =
      SchemaWithSpecField("groups", {{"type", "object"}, {"additionalProperties", kSetOfStrings}});
  json object = ResourceWithSpec({{"groups", {{"admins", {"x", "x"}}}}});
  EXPECT_THAT(Describe(ValidateAgainstSchema(schema, object)),
              ElementsAreArray({"FieldValueDuplicate spec.groups[admins][1]: Duplicate value: "
                                "\"x\""}));
}

TEST(ValidateValueAgainstSchemaTest, PrefixesErrorsWithTheValuePath) {
  json schema = {
      {"type", "object"}, {"required", {"name"}}, {"properties", {{"name", {{"type", "string"}}}}}};
  FieldErrors errors = ValidateValueAgainstSchema(schema, json::object(), "x.default");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "x.default.name");
  EXPECT_EQ(errors[0].detail, "Required value");
}

}  // namespace
}  // namespace upkeep::apiserver
