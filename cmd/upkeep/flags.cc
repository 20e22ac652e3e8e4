#include "cmd/upkeep/flags.h"

#include <algorithm>

namespace upkeep::cmd {

bool ParseFlags(const std::vector<std::string>& args, const std::vector<std::string>& booleans,
                std::map<std::string, std::string>* out, std::string* error) {
  return ParseFlags(args, booleans, out, nullptr, error);
}

bool ParseFlags(const std::vector<std::string>& args, const std::vector<std::string>& booleans,
                std::map<std::string, std::string>* out, std::vector<std::string>* operands,
                std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    // A lone "-" or "-x" is neither: no command takes short flags or stdin.
    if (operands != nullptr && !arg.empty() && arg[0] != '-') {
      operands->push_back(arg);
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      *error = "unexpected argument \"" + arg + "\"";
      return false;
    }
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    bool boolean =
        std::find(booleans.begin(), booleans.end(), name.substr(0, eq)) != booleans.end();
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (boolean) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      *error = "flag --" + name + " needs a value";
      return false;
    }
    (*out)[name] = value;
  }
  return true;
}

bool WantsHelp(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& a) { return a == "--help" || a == "-h"; });
}

}  // namespace upkeep::cmd
