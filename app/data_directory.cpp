#include "data_directory.h"

#include <cstdlib>

namespace hm {

std::string defaultDataDirectory()
{
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::string(xdg) + "/helmsman";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/share/helmsman";
    return "/tmp/helmsman";
}

} // namespace hm
