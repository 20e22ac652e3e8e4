// JsonPath: the JSONPath dialect of kubectl (`-o jsonpath=...`) and of CRD
// additionalPrinterColumns (k8s.io/client-go/util/jsonpath), evaluated over JSON objects.
//
// Accepts the printer-column form `.status.replicas` and the template form
// `{.status.replicas}`, with literal text around and between `{}` actions. Inside an action:
// `.field`, `['key.with.dots']`, `[n]`, `[-1]`, `[*]`, `[start:end[:step]]`, `[a,b]` unions,
// `.*`, `..field` recursive descent, and filters `[?(@.type=="Ready")]`, `!=`, `<`, `<=`, `>`,
// `>=`, `[?(@.field)]`. `range`/`end` are not supported.
//
// Missing fields give an empty result rather than an error, as kube-apiserver's table
// convertor asks (AllowMissingKeys). Where client-go would fail the whole evaluation (index
// out of range, indexing a non-list) the result is empty too, which is what the table
// convertor shows for such a column.
//
// Value type; immutable after Parse, so safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

struct JsonPathTemplate;

class JsonPath {
 public:
  // Errors are InvalidArgument with client-go's parser messages, e.g. "unclosed action",
  // "invalid array index x", "unterminated filter".
  static absl::StatusOr<JsonPath> Parse(std::string_view expr);

  // The values every `{}` action matches, in order. Text outside actions is not a value;
  // quoted text inside one (`{"\n"}`) is.
  std::vector<nlohmann::json> Evaluate(const nlohmann::json& object) const;

  // The template printed as `kubectl get -o jsonpath=...` prints it: literal text as is,
  // each action's values printed with JsonPathValueText and separated by single spaces.
  std::string Render(const nlohmann::json& object) const;

  // The expression as given to Parse.
  const std::string& expression() const { return expression_; }

 private:
  JsonPath(std::string expression, std::shared_ptr<const JsonPathTemplate> parsed)
      : expression_(std::move(expression)), parsed_(std::move(parsed)) {}

  std::string expression_;
  std::shared_ptr<const JsonPathTemplate> parsed_;
};

}  // namespace upkeep::apiserver
