#pragma once
// A free TCP port on 127.0.0.1, for an embedded venue and for tests. Plain C++14.

namespace hm {

int findFreeLoopbackPort(); // throws std::runtime_error when none can be bound

} // namespace hm
