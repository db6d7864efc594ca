#include "emulator/engine/references.h"

#include <algorithm>

#include "emulator/engine/registry.h"
#include "store/store.h"

namespace cfl::engine {
namespace {

// A template, not a std::function: ReferencesOf walks every rule's path on
// every write, and a capturing std::function would allocate per rule.
template <typename Visit>
void Walk(const Json& value, std::string_view path, const Visit& visit) {
  if (path.empty()) {
    if (value.is_string() && !value.get_ref<const std::string&>().empty()) visit(value.get_ref<const std::string&>());
    return;
  }
  const auto dot = path.find('.');
  std::string_view step = path.substr(0, dot);
  const std::string_view rest = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  const bool each = step.ends_with("[]");
  if (each) step.remove_suffix(2);
  if (!value.is_object()) return;
  const auto member = value.find(step);
  if (member == value.end()) return;
  if (!each) return Walk(*member, rest, visit);
  if (!member->is_array()) return;
  for (const auto& item : *member) Walk(item, rest, visit);
}

// The rows of one from_kind as a tree of member steps, so a member several
// paths go through (DefaultCacheBehavior, CacheBehaviors.Items[]) is looked
// up once per config rather than once per row.
struct PathNode {
  std::string_view member;
  bool each = false;               // the member is a list: what follows applies to every item
  std::vector<std::size_t> rows;   // rows (indexes into ReferenceRules()) whose path ends here
  std::vector<PathNode> children;
};

PathNode& ChildOf(PathNode& node, std::string_view member, bool each) {
  for (auto& child : node.children) {
    if (child.member == member && child.each == each) return child;
  }
  node.children.push_back(PathNode{member, each, {}, {}});
  return node.children.back();
}

// Every from_kind's tree, built once (the rows never change).
const PathNode* RowTree(std::string_view from_kind) {
  static const auto* const trees = [] {
    auto* built = new std::vector<std::pair<std::string_view, PathNode>>();
    const auto rules = ReferenceRules();
    for (std::size_t row = 0; row < rules.size(); ++row) {
      const auto of_kind = [&](const auto& tree) { return tree.first == rules[row].from_kind; };
      auto tree = std::find_if(built->begin(), built->end(), of_kind);
      if (tree == built->end()) tree = built->insert(built->end(), {rules[row].from_kind, PathNode{}});
      PathNode* node = &tree->second;
      for (std::string_view path = rules[row].path; !path.empty();) {
        const auto dot = path.find('.');
        std::string_view step = path.substr(0, dot);
        path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
        const bool each = step.ends_with("[]");
        if (each) step.remove_suffix(2);
        node = &ChildOf(*node, step, each);
      }
      node->rows.push_back(row);
    }
    return built;
  }();
  for (const auto& [kind, tree] : *trees) {
    if (kind == from_kind) return &tree;
  }
  return nullptr;
}

// A value at a row's path: a non-empty string.
struct FoundValue {
  std::size_t row;
  const std::string* value;
};

void WalkTree(const Json& value, const PathNode& node, std::vector<FoundValue>& found) {
  if (!node.rows.empty() && value.is_string() && !value.get_ref<const std::string&>().empty()) {
    for (const std::size_t row : node.rows) found.push_back({row, &value.get_ref<const std::string&>()});
  }
  if (node.children.empty() || !value.is_object()) return;
  for (const auto& child : node.children) {
    const Json* member = FindJsonMember(value, child.member);
    if (member == nullptr) continue;
    if (!child.each) {
      WalkTree(*member, child, found);
    } else if (member->is_array()) {
      for (const auto& item : *member) WalkTree(item, child, found);
    }
  }
}

bool ExistsWithoutRecord(std::string_view kind, std::string_view id) {
  const auto* target = Registry::Get().FindFamily(kind);
  return target && FindManaged(target->family.managed, id);
}

void AddOnce(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::optional<std::string> TargetId(const TargetFinder& find, const ReferenceRule& rule, const std::string& value) {
  if (!rule.target_named_by.empty()) {
    return find ? find(rule.target_kind, rule.target_named_by, value) : std::nullopt;
  }
  return rule.id_of ? rule.id_of(value) : std::optional<std::string>(value);
}

}  // namespace

void ForEachAtPath(const Json& value, std::string_view path, const std::function<void(const std::string&)>& visit) {
  Walk(value, path, visit);
}

Result<ReferenceSet, ApiError> ReferencesOf(std::string_view from_kind, const Json& config, const TargetFinder& find) {
  ReferenceSet set;
  const PathNode* tree = RowTree(from_kind);
  if (!tree) return set;
  std::vector<FoundValue> found;
  WalkTree(config, *tree, found);
  // Row order, and each row's values in the config's order: which reference
  // is first (and so which error answers) does not depend on the tree.
  std::stable_sort(found.begin(), found.end(), [](const FoundValue& a, const FoundValue& b) { return a.row < b.row; });
  const auto rules = ReferenceRules();
  for (const auto& [row, value] : found) {
    const ReferenceRule& rule = rules[row];
    std::optional<std::string> id = TargetId(find, rule, *value);
    if (!id) return Fail(rule.missing());
    const std::string reference = store::ReferenceTo(rule.target_kind, *id);
    AddOnce(set.all, reference);
    if (!ExistsWithoutRecord(rule.target_kind, *id)) AddOnce(set.required, reference);
  }
  return set;
}

Result<ReferenceSet, ApiError> ReferencesOf(const RequestContext& ctx, std::string_view from_kind, const Json& config) {
  if (!NamesTargetsByMetadata(from_kind)) return ReferencesOf(from_kind, config);
  return ReferencesOf(from_kind, config, [&](std::string_view kind, std::string_view member, std::string_view value) {
    return FindByMetadata(ctx, kind, member, value);
  });
}

bool NamesTargetsByMetadata(std::string_view from_kind) {
  return std::any_of(ReferenceRules().begin(), ReferenceRules().end(), [&](const ReferenceRule& rule) {
    return rule.from_kind == from_kind && !rule.target_named_by.empty();
  });
}

std::optional<std::string> FindByMetadata(const RequestContext& ctx, std::string_view kind, std::string_view member,
                                          std::string_view value) {
  if (value.empty()) return std::nullopt;
  store::ListQuery query{ctx.account, std::string(kind), std::nullopt, "", 1000, false};
  for (;;) {
    auto page = ctx.services.store.List(query);
    for (const auto& record : page.records) {
      // Parse only the metadata that can hold it.
      if (record.metadata.find(value) == std::string::npos) continue;
      const auto metadata = Json::parse(record.metadata, nullptr, false);
      if (metadata.is_object() && metadata.value(member, Json()) == Json(value)) return record.id;
    }
    if (!page.truncated || page.records.empty()) return std::nullopt;
    query.after_id = page.records.back().id;
  }
}

ApiError MissingReferenceError(std::string_view from_kind, std::string_view reference) {
  const std::string_view target_kind = reference.substr(0, reference.find(':'));
  for (const auto& rule : ReferenceRules()) {
    if (rule.from_kind == from_kind && rule.target_kind == target_kind) return rule.missing();
  }
  // The parent of a child (store::InsertRules::parent_kind).
  if (const auto* parent = Registry::Get().FindFamily(target_kind)) return parent->family.errors.not_found();
  return errors::InternalError("no reference rule from " + std::string(from_kind) + " to " + std::string(reference));
}

ApiError InUseError(std::string_view target_kind, std::string_view user_kind) {
  for (const auto& rule : ReferenceRules()) {
    if (rule.target_kind == target_kind && rule.from_kind == user_kind) return rule.in_use();
  }
  return errors::InternalError("no reference rule from " + std::string(user_kind) + " to " + std::string(target_kind));
}

bool IsReferenced(std::string_view target_kind) {
  const auto rules = ReferenceRules();
  return std::any_of(rules.begin(), rules.end(),
                     [&](const ReferenceRule& rule) { return rule.target_kind == target_kind; });
}

std::vector<std::string> KindsRefusingUpdate(std::string_view target_kind, const Json& config) {
  std::vector<std::string> kinds;
  for (const auto& rule : ReferenceRules()) {
    if (rule.target_kind == target_kind && rule.target_keeps && !rule.target_keeps(config)) {
      AddOnce(kinds, std::string(rule.from_kind));
    }
  }
  return kinds;
}

std::vector<std::string> RenewedUsersOf(std::string_view target_kind) {
  std::vector<std::string> kinds;
  for (const auto& rule : ReferenceRules()) {
    if (rule.target_kind == target_kind && rule.renews_users) AddOnce(kinds, std::string(rule.from_kind));
  }
  return kinds;
}

}  // namespace cfl::engine
