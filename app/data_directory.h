#pragma once
// Where sessions keep their data unless --data-dir says otherwise. Its own small file so
// that helmsman-ctl, on the kill path, starts without loading the engine's libraries.
#include <string>

namespace hm {

std::string defaultDataDirectory(); // $XDG_DATA_HOME/helmsman or ~/.local/share/helmsman

} // namespace hm
