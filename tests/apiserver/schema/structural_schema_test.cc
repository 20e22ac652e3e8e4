#include "apiserver/schema/structural_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using ::testing::ElementsAreArray;

const std::string kPath = "spec.versions[0].schema.openAPIV3Schema";

std::vector<std::string> Describe(const FieldErrors& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) out.push_back(e.reason + " " + e.ToString());
  return out;
}

json WithSpec(const json& spec) { return {{"type", "object"}, {"properties", {{"spec", spec}}}}; }

struct StructuralCase {
  std::string name;
  json schema;
  std::vector<std::string> expected;
};

// Test names already say which row failed; print just that instead of raw bytes.
void PrintTo(const StructuralCase& c, std::ostream* os) { *os << c.name; }

class ValidateStructuralSchemaTest : public ::testing::TestWithParam<StructuralCase> {};

TEST_P(ValidateStructuralSchemaTest, ReportsExactlyTheKubernetesErrors) {
  const StructuralCase& c = GetParam();
  EXPECT_THAT(Describe(ValidateStructuralSchema(c.schema, kPath)), ElementsAreArray(c.expected));
}

const std::string P = kPath;

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidateStructuralSchemaTest,
    ::testing::ValuesIn(std::vector<StructuralCase>{
        {"MinimalSchemaAccepted", {{"type", "object"}}, {}},
        {"RootTypeMissing",
         {{"properties", {{"spec", {{"type", "object"}}}}}},
         {"FieldValueRequired " + P + ".type: Required value: must not be empty at the root"}},
        {"RootTypeNotObject",
         {{"type", "string"}},
         {"FieldValueInvalid " + P +
          ".type: Invalid value: \"string\": must be object at the "
          "root"}},
        {"RootNullable",
         {{"type", "object"}, {"nullable", true}},
         {"FieldValueForbidden " + P +
          ".nullable: Forbidden: nullable cannot be true at the "
          "root"}},
        {"FieldTypeMissing",
         WithSpec({{"description", "the spec"}}),
         {"FieldValueRequired " + P +
          ".properties[spec].type: Required value: must not be "
          "empty for specified object fields"}},
        {"ItemTypeMissing",
         WithSpec({{"type", "object"},
                   {"properties", {{"list", {{"type", "array"}, {"items", json::object()}}}}}}),
         {"FieldValueRequired " + P +
          ".properties[spec].properties[list].items.type: Required "
          "value: must not be empty for specified array items"}},
        {"ArrayWithoutItems",
         WithSpec({{"type", "object"}, {"properties", {{"list", {{"type", "array"}}}}}}),
         {"FieldValueRequired " + P +
          ".properties[spec].properties[list].items: Required value: "
          "must be specified"}},
        {"IntOrStringNeedsNoType",
         WithSpec({{"type", "object"},
                   {"properties", {{"port", {{"x-kubernetes-int-or-string", true}}}}}}),
         {}},
        {"IntOrStringAnyOfPatternAllowed",
         WithSpec({{"type", "object"},
                   {"properties",
                    {{"port",
                      {{"x-kubernetes-int-or-string", true},
                       {"anyOf", {{{"type", "integer"}}, {{"type", "string"}}}}}}}}}),
         {}},
        {"PreserveUnknownFieldsNeedsNoType",
         WithSpec({{"x-kubernetes-preserve-unknown-fields", true}}),
         {}},
        {"UnknownType",
         WithSpec({{"type", "map"}}),
         {"FieldValueNotSupported " + P +
          ".properties[spec].type: Unsupported value: \"map\": "
          "supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", "
          "\"string\""}},
        {"PropertiesAndAdditionalProperties",
         WithSpec({{"type", "object"},
                   {"properties", {{"a", {{"type", "string"}}}}},
                   {"additionalProperties", {{"type", "string"}}}}),
         {"FieldValueForbidden " + P +
          ".properties[spec].additionalProperties: Forbidden: "
          "additionalProperties and properties are mutual exclusive"}},
        {"AdditionalPropertiesAtRoot",
         {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}},
         {"FieldValueForbidden " + P +
          ".additionalProperties: Forbidden: must not be used at "
          "the root"}},
        {"UniqueItemsForbidden",
         WithSpec({{"type", "array"}, {"uniqueItems", true}, {"items", {{"type", "string"}}}}),
         {"FieldValueForbidden " + P +
          ".properties[spec].uniqueItems: Forbidden: uniqueItems "
          "cannot be set to true since the runtime complexity becomes quadratic"}},
        {"RefIsUnsupported",
         WithSpec({{"$ref", "#/definitions/x"}}),
         {"FieldValueForbidden " + P +
          ".properties[spec].$ref: Forbidden: $ref is not "
          "supported"}},
        {"PreserveUnknownFieldsFalse",
         WithSpec({{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", false}}),
         {"FieldValueInvalid " + P +
          ".properties[spec].x-kubernetes-preserve-unknown-fields: "
          "Invalid value: false: must be true or undefined"}},
        {"MetadataNameRestrictionAllowed",
         {{"type", "object"},
          {"properties",
           {{"metadata",
             {{"type", "object"},
              {"properties", {{"name", {{"type", "string"}, {"maxLength", 20}}}}}}}}}},
         {}},
        {"MetadataOtherFieldsForbidden",
         {{"type", "object"},
          {"properties",
           {{"metadata",
             {{"type", "object"}, {"properties", {{"labels", {{"type", "object"}}}}}}}}}},
         {"FieldValueForbidden " + P +
          ".properties[metadata]: Forbidden: must not specify "
          "anything other than name and generateName, but metadata is implicitly specified"}},
        {"MetadataDefaultForbidden",
         {{"type", "object"},
          {"properties", {{"metadata", {{"type", "object"}, {"default", {{"name", "x"}}}}}}}},
         {"FieldValueForbidden " + P +
          ".properties[metadata].default: Forbidden: must not be "
          "set in top-level metadata"}},
        {"TypeInsideAnyOfForbidden",
         WithSpec({{"type", "object"}, {"anyOf", {{{"type", "object"}}}}}),
         {"FieldValueForbidden " + P +
          ".properties[spec].anyOf[0].type: Forbidden: must be "
          "empty to be structural"}},
        {"JunctorPropertyMustBeSpecified",
         {{"type", "object"},
          {"properties", {{"spec", {{"type", "object"}}}}},
          {"anyOf", {{{"properties", {{"status", {{"required", {"phase"}}}}}}}}}},
         {"FieldValueRequired " + P +
          ".properties[status]: Required value: because it is "
          "defined in " +
          P + ".anyOf[0].properties[status]"}},
        {"EmbeddedResourceMustBeObject",
         WithSpec({{"x-kubernetes-embedded-resource", true},
                   {"x-kubernetes-preserve-unknown-fields", true}}),
         {"FieldValueRequired " + P +
          ".properties[spec].type: Required value: must be object "
          "if x-kubernetes-embedded-resource is true"}},
        {"EmbeddedResourceNeedsProperties",
         WithSpec({{"type", "object"}, {"x-kubernetes-embedded-resource", true}}),
         {"FieldValueRequired " + P +
          ".properties[spec].properties: Required value: must not be "
          "empty if x-kubernetes-embedded-resource is true without "
          "x-kubernetes-preserve-unknown-fields"}},
        {"ListTypeMapNeedsKeys",
         WithSpec({{"type", "array"},
                   {"x-kubernetes-list-type", "map"},
                   {"items", {{"type", "object"}}}}),
         {"FieldValueRequired " + P +
          ".properties[spec].x-kubernetes-list-map-keys: Required "
          "value: must not be empty if x-kubernetes-list-type is map"}},
        {"ListMapKeyMustBeRequiredOrDefaulted",
         WithSpec({{"type", "array"},
                   {"x-kubernetes-list-type", "map"},
                   {"x-kubernetes-list-map-keys", {"name"}},
                   {"items",
                    {{"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}}}}),
         {"FieldValueRequired " + P +
          ".properties[spec].items.properties[name].default: "
          "Required value: this property is in x-kubernetes-list-map-keys, so it must have a "
          "default or be a required property"}},
        {"ListTypeUnknown",
         WithSpec({{"type", "array"},
                   {"x-kubernetes-list-type", "bag"},
                   {"items", {{"type", "string"}}}}),
         {"FieldValueNotSupported " + P +
          ".properties[spec].x-kubernetes-list-type: Unsupported "
          "value: \"bag\": supported values: \"atomic\", \"set\", \"map\""}},
        {"DefaultOutsideEnum",
         WithSpec({{"type", "object"},
                   {"properties",
                    {{"compression",
                      {{"type", "string"}, {"enum", {"zstd", "gzip"}}, {"default", "lz4"}}}}}}),
         {"FieldValueNotSupported " + P +
          ".properties[spec].properties[compression].default: "
          "Unsupported value: \"lz4\": supported values: \"zstd\", \"gzip\""}},
        {"DefaultOfWrongType",
         WithSpec({{"type", "object"},
                   {"properties", {{"keep", {{"type", "integer"}, {"default", "seven"}}}}}}),
         {"FieldValueTypeInvalid " + P +
          ".properties[spec].properties[keep].default: Invalid "
          "value: \"string\":  in body must be of type integer: \"string\""}},
        {"DefaultWithUnknownField",
         WithSpec({{"type", "object"},
                   {"properties",
                    {{"retention",
                      {{"type", "object"},
                       {"properties", {{"keepDaily", {{"type", "integer"}}}}},
                       {"default", {{"keepDaily", 7}, {"keepHourly", 1}}}}}}}}),
         {"FieldValueInvalid " + P +
          ".properties[spec].properties[retention].default: Invalid "
          "value: {\"keepDaily\":7,\"keepHourly\":1}: must not have unknown fields"}},
        {"DefaultMissingRequiredField",
         WithSpec({{"type", "object"},
                   {"properties",
                    {{"retention",
                      {{"type", "object"},
                       {"required", {"keepDaily"}},
                       {"properties", {{"keepDaily", {{"type", "integer"}}}}},
                       {"default", json::object()}}}}}}),
         {"FieldValueRequired " + P +
          ".properties[spec].properties[retention].default.keepDaily: "
          "Required value"}},
        {"ValidDefaultAccepted",
         WithSpec({{"type", "object"},
                   {"properties",
                    {{"compression",
                      {{"type", "string"}, {"enum", {"zstd", "gzip"}}, {"default", "zstd"}}}}}}),
         {}},
    }),
    [](const ::testing::TestParamInfo<StructuralCase>& info) { return info.param.name; });

TEST(ValidateStructuralSchemaTest, StructuralErrorsComeSortedAndStopDefaultChecks) {
  json schema = {{"type", "object"},
                 {"properties",
                  {{"b", {{"description", "no type"}}},
                   {"a", {{"type", "integer"}, {"default", "not checked"}}},
                   {"c", {{"type", "array"}}}}}};
  EXPECT_THAT(Describe(ValidateStructuralSchema(schema, kPath)),
              ElementsAreArray({"FieldValueRequired " + P +
                                    ".properties[b].type: Required value: must "
                                    "not be empty for specified object fields",
                                "FieldValueRequired " + P +
                                    ".properties[c].items: Required value: must "
                                    "be specified"}));
}

}  // namespace
}  // namespace upkeep::apiserver
