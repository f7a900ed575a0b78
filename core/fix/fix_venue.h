#pragma once
// The simulated venue is its own library now (core/venue, venue/fix_venue.h), so that
// the gateway does not link the simulator. This header remains for code that included
// it for findFreeLoopbackPort (the benchmarks); new code includes fix/loopback_port.h.
#include "fix/loopback_port.h"
