// Reads YAML files with one of three C/C++ parsers and prints how long it
// took; peak memory is read by the caller (bench/parsers.sh). Each parser
// does what a reader built on it would: yaml-cpp and libfyaml build their
// document trees, libyaml delivers events with their marks (a reader builds
// its own small tree from them).
//
// Usage: compare PARSER all|stream FILE...
//   all:    keep every file's tree until the end (as a whole-set load does)
//   stream: parse one file, drop it, go on
#include <fcntl.h>
#include <unistd.h>
#include <yaml.h>
#include <libfyaml.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string Read(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t LibyamlEvents(const std::string& text) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  size_t events = 0;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      std::fprintf(stderr, "libyaml: %s\n", parser.problem);
      std::exit(1);
    }
    done = event.type == YAML_STREAM_END_EVENT;
    // What a reader keeps of a scalar: its text and where it starts.
    if (event.type == YAML_SCALAR_EVENT) events += event.data.scalar.length != 0;
    events += event.start_mark.line != 0;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: compare yaml-cpp|libyaml|libfyaml all|stream FILE...\n");
    return 2;
  }
  std::string parser = argv[1];
  bool keep = std::strcmp(argv[2], "all") == 0;
  std::vector<YAML::Node> cpp_trees;
  std::vector<fy_document*> fy_trees;
  std::vector<std::string> texts;
  size_t work = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 3; i < argc; ++i) {
    std::string text = Read(argv[i]);
    if (parser == "yaml-cpp") {
      YAML::Node root = YAML::Load(text);
      work += root.size();
      if (keep) cpp_trees.push_back(root);
    } else if (parser == "libfyaml") {
      fy_parse_cfg cfg{};
      cfg.flags = FYPCF_QUIET;
      fy_document* doc = fy_document_build_from_string(&cfg, text.data(), text.size());
      if (!doc) return 1;
      work += fy_node_mapping_item_count(fy_document_root(doc));
      if (keep) {
        fy_trees.push_back(doc);
        texts.push_back(std::move(text));  // the document points into it
      } else {
        fy_document_destroy(doc);
      }
    } else if (parser == "libyaml") {
      work += LibyamlEvents(text);
    } else {
      std::fprintf(stderr, "unknown parser %s\n", parser.c_str());
      return 2;
    }
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
  for (fy_document* doc : fy_trees) fy_document_destroy(doc);
  std::printf("%s %s: %d files, %.1f ms (%zu)\n", parser.c_str(), argv[2], argc - 3, ms, work);
  return 0;
}
