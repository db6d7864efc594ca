// The one table of error messages: how CloudFront words each error code when
// nothing more specific is said. A generated error constructor called with
// an empty message (errors::NoSuchDistribution()) takes its message from here.
#pragma once

#include <string_view>

namespace cfl::model {

// The message for code; a generic sentence naming the code when the table
// has none.
std::string_view DefaultMessage(std::string_view code);

// For the unit test: the table is sorted by code (DefaultMessage searches it).
bool ErrorMessagesAreSorted();

}  // namespace cfl::model
