#pragma once
// UTF-8 well-formedness, for every boundary that takes text from outside (the control
// channel, helmsman-ctl's arguments) before it reaches a JSON writer that would throw.
#include <string>

namespace hm {

// The offset of the first byte that is not part of well-formed UTF-8, or npos.
std::size_t firstInvalidUtf8(const std::string& text);

} // namespace hm
