#!/usr/bin/env bash
# Builds and runs tessera_dpi_tb (dpi/tb/tessera_dpi_tb.sv) under Verilator (--binary):
# Tessera's TX and RX RTL scoreboarded by two instances of the DPI-C golden model.
#
#   dpi/tb/run.sh [-GNAME=VALUE ...] [-- +PLUSARG ...]
#
#   -G...            the bench's parameters: LANES SPARES AM_PERIOD SER_W MAX_SKEW_BITS CNT_W
#                    WITH_RX (default 4 + 1 channels, SER_W 22, AM_PERIOD 32)
#   +seed=N ...      the bench's plusargs (see the bench's header): +seed +stripes +faults
#                    +clocks +nomodel +bench
# Environment:
#   TESSERA_DPI_LIB  the static library to link (default: cargo build --release -p
#                    tessera-dpi, then target/release/libtessera_dpi.a)
#   TESSERA_RTL      the RTL folder (default rtl/; the tests point it at a broken copy)
#   TESSERA_DPI_BUILD  the Verilator build folder (default target/dpi-tb/<parameters>)
#   VERILATOR        the verilator command (default verilator, >= 5.006)
# Exit status: the bench's (0 on PASS).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
gparams=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do gparams+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
rtl="${TESSERA_RTL:-$root/rtl}"
if [ -z "${TESSERA_DPI_LIB:-}" ]; then
  (cd "$root" && cargo build --release --locked -p tessera-dpi -q)
  lib="${CARGO_TARGET_DIR:-$root/target}/release/libtessera_dpi.a"
else
  lib="$TESSERA_DPI_LIB"
fi
[ -f "$lib" ] || { echo "run.sh: $lib not found" >&2; exit 2; }
tag="$(printf '%s\n' "${gparams[@]}" "$rtl" | sha1sum | cut -c1-12)"
build="${TESSERA_DPI_BUILD:-$root/target/dpi-tb/$tag}"
mkdir -p "$build"
# Rebuild when the RTL, the bench, the package or the library changed.
stamp="$build/inputs.sha1"
now="$(cat "$rtl"/*.sv "$here/tessera_dpi_tb.sv" "$root/dpi/sv/tessera_pkg.sv" "$lib" | sha1sum)"
if [ ! -x "$build/Vtessera_dpi_tb" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$now" ]; then
  echo "run.sh: verilating into $build"
  "${VERILATOR:-verilator}" --binary -j 2 --top-module tessera_dpi_tb -Wno-fatal -Wno-lint -Wno-style \
    "${gparams[@]}" -Mdir "$build" \
    "$root/dpi/sv/tessera_pkg.sv" "$rtl"/*.sv "$here/tessera_dpi_tb.sv" \
    "$lib" -LDFLAGS "-lpthread -ldl -lm" >"$build/verilator.log" 2>&1 \
    || { cat "$build/verilator.log" >&2; exit 2; }
  echo "$now" >"$stamp"
fi
exec "$build/Vtessera_dpi_tb" "$@"
