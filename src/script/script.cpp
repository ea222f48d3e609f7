#include "script/script.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "format/file.h"
#include "script/op_read.h"
#include "script/script_write.h"

namespace retort::script {
namespace {

void AppendQuoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
}

// A canonical text of the parsed document: comments, whitespace, quoting
// style, line endings and the order of map keys do not change it.
void Canonical(const format::Node& node, std::string& out) {
  if (!node || node.IsNull()) {
    out += "null";
  } else if (node.IsScalar()) {
    AppendQuoted(out, node.Scalar());
  } else if (node.IsSequence()) {
    out += '[';
    for (size_t i = 0; i < node.size(); ++i) {
      if (i) out += ',';
      Canonical(node[i], out);
    }
    out += ']';
  } else {
    std::vector<format::Node::Entry> entries = node.entries();
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.first.Scalar() < b.first.Scalar();
    });
    out += '{';
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i) out += ',';
      AppendQuoted(out, entries[i].first.Scalar());
      out += ':';
      Canonical(entries[i].second, out);
    }
    out += '}';
  }
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // Fetched once: OpenSSL looks an algorithm up anew on every use of
  // EVP_sha256(), which cost more than hashing a script.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_Digest(data.data(), data.size(), digest, &size, sha256, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string RevisionId(const format::File& file, const format::Node& node) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    file.Fail(node, "a revision id must be a non-empty string");
  }
  const std::string& id = node.Scalar();
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      file.Fail(node, "revision id '" + id + "' may hold only letters, digits and '_'");
    }
  }
  if (id.size() > 32) file.Fail(node, "revision id '" + id + "' is longer than 32 characters");
  return id;
}

}  // namespace

void CheckTransactional(const std::vector<ops::OpAt>& operations) {
  for (const ops::OpAt& op : operations) {
    const auto* create = std::get_if<ops::CreateIndex>(&op.op);
    const auto* drop = std::get_if<ops::DropIndex>(&op.op);
    if ((create && create->concurrently) || (drop && drop->concurrently)) {
      throw Error(ErrorKind::kInput,
                  ops::OperationName(op.op) +
                      " with concurrently: true cannot run inside a transaction "
                      "(PostgreSQL refuses it in a transaction block); declare "
                      "'transactional: false' in this script",
                  op.where);
    }
  }
}

MigrationScript ParseScript(const std::string& text, const std::string& name,
                            const schema::NamingConvention& naming) {
  format::Document doc = format::ParseYaml(text, name);
  MigrationScript s = ScriptFromYaml(doc.root(), name, naming);
  s.source = std::make_shared<const std::string>(text);
  return s;
}

std::string MigrationScript::legacy_checksum() const {
  std::string text;
  if (source) {
    text = *source;
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  try {
    format::Document doc = format::ParseYaml(text, path);
    std::string canonical;
    Canonical(doc.root(), canonical);
    return Sha256Hex(canonical);
  } catch (const Error&) {
    return "";
  }
}

MigrationScript ScriptFromYaml(const format::Node& root, const std::string& name,
                               const schema::NamingConvention& naming) {
  format::File file(name);
  if (!root.IsMap()) file.Fail(root, "a migration script must be a map");
  file.CheckKeys(root, "migration script",
                 {"revision", "down_revision", "message", "branch_labels", "depends_on",
                  "create_date", "transactional", "upgrade", "downgrade"});
  MigrationScript s;
  s.path = name;
  if (!root["revision"]) file.Fail(root, "missing 'revision'");
  s.revision = RevisionId(file, root["revision"]);
  if (!root["down_revision"]) {
    file.Fail(root, "missing 'down_revision' (null for a first revision)");
  }
  format::Node down = root["down_revision"];
  if (down.IsSequence()) {
    for (const auto& d : down) {
      std::string id = RevisionId(file, d);
      if (std::find(s.down_revisions.begin(), s.down_revisions.end(), id) != s.down_revisions.end()) {
        file.Fail(d, "down_revision names '" + id + "' twice");
      }
      s.down_revisions.push_back(std::move(id));
    }
  } else if (!down.IsNull()) {
    s.down_revisions.push_back(RevisionId(file, down));
  }
  s.message = file.OptString(root, "message").value_or("");
  s.branch_labels = file.Strings(root, "branch_labels");
  s.depends_on = file.Strings(root, "depends_on");
  s.create_date = file.OptString(root, "create_date").value_or("");
  s.transactional = file.OptBool(root, "transactional").value_or(true);
  s.upgrade = ParseOperations(file, root["upgrade"], naming);
  if (root["downgrade"]) {
    s.downgrade = ParseOperations(file, root["downgrade"], naming);
  }
  if (s.transactional) {
    CheckTransactional(s.upgrade);
    if (s.downgrade) CheckTransactional(*s.downgrade);
  }
  if (!s.downgrade) {
    for (const ops::OpAt& op : s.upgrade) {
      if (!ops::IsReversible(op.op)) {
        throw Error(ErrorKind::kIrreversible,
                    ops::OperationName(op.op) +
                        " has no inverse: this script needs an explicit 'downgrade'",
                    op.where);
      }
    }
  }
  return s;
}

const std::string& MigrationScript::checksum() const {
  std::lock_guard<std::mutex> lock(checksum_->mutex);
  if (!checksum_->done) {
    checksum_->value = MeaningChecksum(*this);
    checksum_->done = true;
  }
  return checksum_->value;
}

void MigrationScript::set_checksum(std::string checksum) {
  checksum_ = std::make_shared<LazyChecksum>();
  checksum_->value = std::move(checksum);
  checksum_->done = true;
}

std::string MeaningChecksum(const MigrationScript& s) {
  auto sorted = [](std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    std::string out;
    for (const std::string& id : ids) out += id + " ";
    return out;
  };
  auto operations = [](const std::vector<ops::OpAt>& list) {
    std::vector<WrittenOp> written;
    written.reserve(list.size());
    for (const ops::OpAt& op : list) written.push_back({op.op, {}, false, op.dialects});
    return WriteOperations(written, 0);
  };
  std::string text = "retort script 2\nrevision " + s.revision + "\nparents " +
                     sorted(s.down_revisions) + "\ndepends_on " + sorted(s.depends_on) +
                     "\ntransactional " + (s.transactional ? "1" : "0") + "\nupgrade\n" +
                     operations(s.upgrade) + "downgrade\n" +
                     (s.downgrade ? operations(*s.downgrade) : std::string("derived\n"));
  return "2:" + Sha256Hex(text).substr(0, 62);
}

MigrationScript LoadScriptFile(const std::string& path,
                               const schema::NamingConvention& naming) {
  format::Document doc = format::File(path).Load();
  return ScriptFromYaml(doc.root(), path, naming);
}

std::string RenderNewScript(const NewScript& s) {
  auto list = [](const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      AppendQuoted(out, items[i]);
    }
    return out + "]";
  };
  std::string out;
  out += "revision: ";
  AppendQuoted(out, s.revision);
  out += "\ndown_revision: ";
  if (s.down_revisions.empty()) {
    out += "null";
  } else if (s.down_revisions.size() == 1) {
    AppendQuoted(out, s.down_revisions[0]);
  } else {
    out += list(s.down_revisions);
  }
  out += "\nmessage: ";
  AppendQuoted(out, s.message);
  out += "\ncreate_date: ";
  AppendQuoted(out, s.create_date);
  if (!s.branch_labels.empty()) out += "\nbranch_labels: " + list(s.branch_labels);
  if (!s.depends_on.empty()) out += "\ndepends_on: " + list(s.depends_on);
  if (!s.transactional) out += "\ntransactional: false";
  if (!s.upgrade.empty()) {
    out += "\n\nupgrade:\n" + s.upgrade;
    out += "\ndowngrade:\n" + (s.downgrade.empty() ? std::string("  []\n") : s.downgrade);
    return out;
  }
  out +=
      "\n\n# Operations, in order. Each is a one-key map, e.g.\n"
      "#   - add_column: {table: users, column: {name: age, type: integer}}\n"
      "upgrade: []\n\n"
      "# Omit `downgrade` to derive it (the inverse operations in reverse order);\n"
      "# give it explicitly when the upgrade uses execute or bulk_insert, which\n"
      "# have no inverse.\n";
  return out;
}

}  // namespace retort::script
