// Binds the fields of a component's parameter struct to command-line options and to a section of
// a YAML config. Precedence: command line > config file > the struct's documented defaults.
#pragma once

#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <type_traits>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace tailor {

/// One component's parameters. `add` registers a field as `--name` (dashes) and as YAML key
/// `name` (underscores) under `section`. `--help` shows each field's default.
class ParamSet {
 public:
  ParamSet(CLI::App* app, std::string section) : app_(app), section_(std::move(section)) {}

  template <class T>
  void add(const std::string& key, T* field, const std::string& help) {
    std::string flag = "--" + dashed(key);
    CLI::Option* opt = app_->add_option(flag, *field, help)->capture_default_str();
    Entry e;
    e.key = key;
    e.option = opt;
    e.from_yaml = [field, key, this](const YAML::Node& n) {
      try {
        *field = n.as<T>();
      } catch (const YAML::Exception& ex) {
        TAILOR_FAIL("config " << source_ << ": key '" << section_ << "." << key
                              << "' has the wrong type: " << ex.what());
      }
    };
    e.to_yaml = [field](YAML::Node& n, const std::string& k) {
      if constexpr (std::is_floating_point_v<T>) {
        n[k] = shortest_decimal(static_cast<double>(*field));  // 0.4, not 0.40000000000000002
      } else {
        n[k] = *field;
      }
    };
    entries_.push_back(std::move(e));
  }

  /// Fills every field whose option was not given on the command line from `root[section]`.
  /// Unknown keys in the section are an error (they are usually typos). `source` names the file.
  void apply_yaml(const YAML::Node& root, const std::string& source) {
    source_ = source;
    YAML::Node node = section_.empty() ? root : root[section_];
    if (!node) return;
    TAILOR_CHECK(node.IsMap(), "config " << source << ": section '" << section_ << "' is not a map");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string k = it->first.as<std::string>();
      Entry* e = find(k);
      TAILOR_CHECK(e != nullptr, "config " << source << ": unknown key '" << section_ << "." << k
                                           << "' (see --help for the known ones)");
      if (e->option->count() == 0) e->from_yaml(it->second);
    }
  }

  /// The effective values, as a YAML map (stored in checkpoints and dataset files).
  YAML::Node to_yaml() const {
    YAML::Node n(YAML::NodeType::Map);
    for (const auto& e : entries_) e.to_yaml(n, e.key);
    return n;
  }

  const std::string& section() const { return section_; }

 private:
  struct Entry {
    std::string key;
    CLI::Option* option = nullptr;
    std::function<void(const YAML::Node&)> from_yaml;
    std::function<void(YAML::Node&, const std::string&)> to_yaml;
  };
  static std::string shortest_decimal(double v) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
  }
  static std::string dashed(std::string s) {
    for (char& c : s)
      if (c == '_') c = '-';
    return s;
  }
  Entry* find(const std::string& k) {
    for (auto& e : entries_)
      if (e.key == k) return &e;
    return nullptr;
  }
  CLI::App* app_;
  std::string section_;
  std::string source_;
  std::vector<Entry> entries_;
};

/// Loads a YAML config file with a clear error naming the file on failure.
YAML::Node load_yaml_file(const std::string& path);

}  // namespace tailor
