#include "emulator/edge/viewer_protocol.h"

namespace cfl::edge {

std::string HttpsRedirectLocation(std::string_view host_header, int https_port, std::string_view target) {
  std::string_view host = host_header;
  const auto bracket = host.rfind(']');
  const auto colon = host.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = host.substr(0, colon);
  }
  std::string location = "https://" + std::string(host);
  if (https_port != 443) location += ":" + std::to_string(https_port);
  location += target;
  return location;
}

std::vector<std::string> OriginSslProtocols(const cfl::Json& custom_origin_config) {
  std::vector<std::string> protocols;
  const auto found = custom_origin_config.find("OriginSslProtocols");
  if (found != custom_origin_config.end() && found->is_object()) {
    const auto items = found->find("Items");
    if (items != found->end() && items->is_array()) {
      for (const auto& item : *items) {
        if (item.is_string()) protocols.push_back(item.get<std::string>());
      }
    }
  }
  if (protocols.empty()) protocols.emplace_back("TLSv1.2");
  return protocols;
}

}  // namespace cfl::edge
