# Sourced by the build scripts: compile through ccache when it is installed, with one cache
# for every checkout of the project on this machine (paths are hashed relative to the checkout).
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/helmsman-ccache}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$here}
  export CCACHE_NOHASHDIR=1
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-12G}
  hm_launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
else
  hm_launcher=()
fi
