#!/usr/bin/env bash
# Tessera RTL: lint, simulation and synthesis, with no Rust in the loop.
#
#   rtl/run.sh lint            verilator --lint-only -Wall on tessera_tx and tessera_rx for
#                              several parameter sets, and on benes_net (both forms) and
#                              benes_route at L = 1, 3, 7 (its SYNTHESIS form covers the
#                              benes_* modules it instantiates); fails on any warning
#   rtl/run.sh sim [SET...]    Icarus (iverilog -g2012 + vvp) on vector sets: a SET is a
#                              tessera-vectors set (manifest.txt, docs/vectors.md) or a set
#                              of rtl/tb/vectors (a `params` file); default: vectors/golden/*
#                              and rtl/tb/vectors/*, after the unit bench tb/lfsr_tb.sv
#   rtl/run.sh vsim [SET...]   the same benches under Verilator (--binary --timing); slower
#                              to build, shows that a 2-state simulator agrees
#   rtl/run.sh synth [L S [TOP...]]
#                              yosys synth of tessera_tx and tessera_rx (or the TOPs named)
#                              with L lanes and S spares (default 16 2); prints cells in
#                              total and per channel (the TX hierarchically, see synth())
#   rtl/run.sh equiv           yosys proof (miter + sat) that the structural form of
#                              sort_net, perm_net and benes_net (what synthesis reads)
#                              equals their procedural form (what simulators run), at small
#                              sizes
#   rtl/run.sh synth-benes [L [TOP...]]
#                              yosys synth of benes_net (W = 64) and benes_route at L
#                              (default 7), hierarchically: cells, per port, time, memory
#   rtl/run.sh all             lint, sim, synth
# Needs verilator, iverilog and yosys (scripts/setup installs them).
#
# TESSERA_RTL_DEFINES (for example -DTESSERA_CHANNEL_INSTANCES, the one-instance-per-channel
# form that synthesis reads, docs/rtl.md "Channel loops") is passed to verilator and iverilog.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${TESSERA_RTL_BUILD:-$here/../target/rtl}"
mkdir -p "$build"
read -r -a defs <<<"${TESSERA_RTL_DEFINES:-}"
srcs=("${defs[@]}" "$here"/*.sv)

lint() {
  local fail=0
  # top LANES SPARES AM_PERIOD SER_W MAX_SKEW_BITS
  local sets=(
    "tessera_tx 1 0 16 66 0"
    "tessera_tx 4 1 16 22 0"
    "tessera_tx 16 2 64 1 0"
    "tessera_tx 7 3 5 11 0"
    "tessera_tx 60 4 128 66 0"
    "tessera_rx 1 0 16 66 100"
    "tessera_rx 4 1 16 22 264"
    "tessera_rx 16 2 64 1 1056"
    "tessera_rx 7 3 5 11 100"
    "tessera_rx 60 4 128 66 1056"
  )
  # The wide sets (the 1020 + 4 RX alone takes some 4 minutes and 2.5 GB): `rtl/run.sh lint wide`.
  [ "${1:-}" = wide ] && sets+=("tessera_tx 400 16 16384 22 0" "tessera_tx 1020 4 128 66 0"
                                "tessera_rx 1020 4 128 66 1056")
  for s in "${sets[@]}"; do
    read -r top l sp am w sk <<<"$s"
    local g=(-GLANES="$l" -GSPARES="$sp" -GAM_PERIOD="$am" -GSER_W="$w")
    [ "$top" = tessera_rx ] && g+=(-GMAX_SKEW_BITS="$sk")
    if verilator --lint-only -Wall "${g[@]}" --top-module "$top" "${srcs[@]}" >"$build/lint.log" 2>&1; then
      echo "lint ok:   $top LANES=$l SPARES=$sp AM_PERIOD=$am SER_W=$w$([ "$top" = tessera_rx ] && echo " MAX_SKEW_BITS=$sk")"
    else
      echo "lint FAIL: $top LANES=$l SPARES=$sp AM_PERIOD=$am SER_W=$w"; cat "$build/lint.log"; fail=1
    fi
  done
  # The Benes network and its routing unit, both forms (-DSYNTHESIS: perm_sw instances, the
  # router's decoded table accesses): top L GATHER DEFINE.
  local b
  for b in "benes_net 1 - -" "benes_net 3 - -" "benes_net 7 - -" "benes_net 1 - -DSYNTHESIS" \
           "benes_net 3 - -DSYNTHESIS" "benes_net 7 - -DSYNTHESIS" \
           "benes_route 1 1'b0 -" "benes_route 1 1'b1 -" "benes_route 3 1'b0 -" \
           "benes_route 3 1'b1 -" "benes_route 7 1'b0 -" "benes_route 7 1'b1 -" \
           "benes_route 1 1'b1 -DSYNTHESIS" "benes_route 3 1'b0 -DSYNTHESIS" \
           "benes_route 7 1'b1 -DSYNTHESIS"; do
    read -r top l ga def <<<"$b"
    local g=(-GL="$l")
    [ "$ga" != - ] && g+=(-GGATHER="$ga")
    [ "$def" != - ] && g+=("$def")
    local name="$top L=$l$([ "$ga" != - ] && echo " GATHER=$ga")$([ "$def" != - ] && echo " (SYNTHESIS form)")"
    if verilator --lint-only -Wall "${g[@]}" --top-module "$top" "${srcs[@]}" >"$build/lint.log" 2>&1; then
      echo "lint ok:   $name"
    else
      echo "lint FAIL: $name"; cat "$build/lint.log"; fail=1
    fi
  done
  return $fail
}

# Data words in a $readmemh file (lines that are neither comments nor blank).
words() { grep -cv -e '^[[:space:]]*//' -e '^[[:space:]]*$' "$1" || true; }

# Header value of KEY in a tessera-vectors file (docs/vectors.md section 3).
hdr() { sed -n "s|^// $2: ||p" "$1" | head -n 1; }

# The lane map of a tessera-vectors manifest as tx_tb's +map file: one word per channel,
# {failed[3:0], lane[15:0]}, lane ffff for a spare.
map_from_manifest() {
  local m="$1" out="$2" p="$3"
  awk -v p="$p" -v of="$(hdr "$m" channel_of)" -v fl="$(hdr "$m" failed)" 'BEGIN {
    for (c = 0; c < p; c++) { lane[c] = -1; dead[c] = 0 }
    n = split(of, a, " "); for (i = 1; i <= n; i++) lane[a[i]] = i - 1
    if (fl != "none") { n = split(fl, b, " "); for (i = 1; i <= n; i++) dead[b[i]] = 1 }
    for (c = 0; c < p; c++) printf "%x%04x\n", dead[c], (lane[c] < 0 ? 65535 : lane[c])
  }' > "$out"
}

# Runs the benches on one vector set: a tessera-vectors set (manifest.txt) or a set of
# rtl/tb/vectors (params). Each bench runs when its files are there.
sim_set() {
  local tool="$1" dir="$2" LANES="" SPARES="" AM_PERIOD="" SER_W="" MAX_SKEW_BITS=""
  local name; name="$(basename "$dir")"
  local map=""
  if [ -f "$dir/manifest.txt" ]; then
    local m="$dir/manifest.txt"
    LANES=$(hdr "$m" lanes); SPARES=$(hdr "$m" spares); AM_PERIOD=$(hdr "$m" am_period)
    SER_W=$(hdr "$m" ser_w); MAX_SKEW_BITS=$(hdr "$m" max_skew_bits)
    map="$build/$name.tx_map.hex"
    map_from_manifest "$m" "$map" $((LANES + SPARES))
  elif [ -f "$dir/params" ]; then
    # shellcheck disable=SC1091
    source "$dir/params"
    [ -f "$dir/tx_map.hex" ] && map="$dir/tx_map.hex"
  else
    echo "$name: neither manifest.txt nor params"; return 1
  fi
  local fail=0 ran=0
  if [ -f "$dir/tx_stimulus.hex" ] && [ -f "$dir/tx_expected.hex" ]; then
    local p=(-P "tx_tb.LANES=$LANES" -P "tx_tb.SPARES=$SPARES" -P "tx_tb.AM_PERIOD=$AM_PERIOD"
             -P "tx_tb.SER_W=$SER_W" -P "tx_tb.MAX_CLOCKS=$(words "$dir/tx_expected.hex")")
    local args=(+stim="$dir/tx_stimulus.hex" +expect="$dir/tx_expected.hex")
    [ -n "$map" ] && args+=(+map="$map")
    if [ -f "$dir/tx_mapwr.hex" ]; then
      p+=(-P "tx_tb.MAX_WRITES=$(words "$dir/tx_mapwr.hex")"); args+=(+mapwr="$dir/tx_mapwr.hex")
    fi
    run_tb "$tool" tx_tb "$name" p args || fail=1
    ran=1
  fi
  if [ -f "$dir/rx_stimulus.hex" ] && [ -f "$dir/rx_status.hex" ]; then
    local p=(-P "rx_tb.LANES=$LANES" -P "rx_tb.SPARES=$SPARES" -P "rx_tb.AM_PERIOD=$AM_PERIOD"
             -P "rx_tb.SER_W=$SER_W" -P "rx_tb.MAX_SKEW_BITS=$MAX_SKEW_BITS"
             -P "rx_tb.MAX_CLOCKS=$(words "$dir/rx_stimulus.hex")"
             -P "rx_tb.MAX_STRIPES=$(( $(words "$dir/rx_stripes.hex") + 1 ))")
    local args=(+stim="$dir/rx_stimulus.hex" +stripes="$dir/rx_stripes.hex"
                +status="$dir/rx_status.hex")
    [ -f "$dir/rx_status_full.hex" ] && args+=(+status_full="$dir/rx_status_full.hex")
    if [ -f "$dir/rx_port_status.hex" ]; then
      p+=(-P "rx_tb.MAX_PORT_WORDS=$(words "$dir/rx_port_status.hex")")
      args+=(+port_status="$dir/rx_port_status.hex")
    fi
    run_tb "$tool" rx_tb "$name" p args || fail=1
    ran=1
  fi
  [ $ran = 1 ] || { echo "$name: no bench files"; return 1; }
  return $fail
}

# run_tb TOOL TB NAME PARAMS_ARRAY_NAME ARGS_ARRAY_NAME
run_tb() {
  local tool="$1" tb="$2" name="$3"
  local -n pp="$4" aa="$5"
  local out extra=()
  # tx_diff_tb's reference, the crossbar TX, lives in the bench folder.
  [ "$tb" = tx_diff_tb ] && extra=("$here/tb/tessera_tx_xbar.sv")
  if [ "$tool" = icarus ]; then
    local vvp="$build/$name.$tb.vvp"
    iverilog -g2012 -I "$here/tb" -o "$vvp" -s "$tb" "${pp[@]}" "${srcs[@]}" "${extra[@]}" "$here/tb/$tb.sv"
    out="$(vvp -n "$vvp" "${aa[@]}" 2>&1)" || true
  else
    local g=() obj="$build/obj_$name.$tb"
    for ((i = 1; i < ${#pp[@]}; i += 2)); do g+=(-G"${pp[i]#*.}"); done
    verilator --binary --timing -Wno-fatal -Wno-lint -Wno-style -I"$here/tb" "${g[@]}" --top-module "$tb" \
      "${srcs[@]}" "${extra[@]}" "$here/tb/$tb.sv" -Mdir "$obj" -o "$tb" >"$build/$name.$tb.vbuild.log" 2>&1 ||
      { echo "$name: verilator build of $tb failed, see $build/$name.$tb.vbuild.log"; return 1; }
    out="$("$obj/$tb" "${aa[@]}" 2>&1)" || true
  fi
  echo "$name: $(echo "$out" | grep -v -e '^- ' -e 'Verilog \$finish' | tail -n 4)"
  echo "$out" | grep -q '^PASS' && ! echo "$out" | grep -q 'FAIL'
}

sim() {
  local tool="$1"; shift
  local sets=("$@") fail=0
  if [ ${#sets[@]} -eq 0 ]; then
    sets=("$here"/../vectors/golden/*/ "$here"/tb/vectors/*/)
    local none=() unit=()
    run_tb "$tool" lfsr_tb unit none unit || fail=1  # self-checking unit bench
    # tessera_tx against the crossbar TX it replaced, random stimulus (self-checking):
    # LANES SPARES AM_PERIOD SER_W CLOCKS (the bench runs at least 4 phases of 50 + 1.5
    # MAP_DELAY clocks; 28 + 4 fills a 32-port network; the network's larger sizes are
    # tests/rtl_benes.rs's)
    local d
    for d in "1 0 4 66 1200" "4 1 16 66 1200" "5 3 5 22 1200" "16 2 8 11 1200" "7 0 4 1 1200" \
             "28 4 33 66 400"; do
      local l sp am w n
      read -r l sp am w n <<<"$d"
      local p=(-P "tx_diff_tb.LANES=$l" -P "tx_diff_tb.SPARES=$sp" -P "tx_diff_tb.AM_PERIOD=$am"
               -P "tx_diff_tb.SER_W=$w" -P "tx_diff_tb.CLOCKS=$n")
      run_tb "$tool" tx_diff_tb "diff_${l}p${sp}_am${am}_w${w}" p none || fail=1
    done
  fi
  for d in "${sets[@]}"; do
    sim_set "$tool" "${d%/}" || fail=1
  done
  return $fail
}

synth() {
  local l="${1:-16}" s="${2:-2}"
  shift $(( $# < 2 ? $# : 2 ))
  local tops=("$@")
  [ ${#tops[@]} -eq 0 ] && tops=(tessera_tx tessera_rx)
  for top in "${tops[@]}"; do
    local extra=""
    [ "$top" = tessera_rx ] && extra="-set MAX_SKEW_BITS 1056"
    # Hierarchically: Yosys reads the one-instance-per-channel form (SYNTHESIS, docs/rtl.md
    # "Channel loops"), so each per-channel module is synthesized once; the hierarchy total
    # comes from `stat -top`.
    local flat="" stat="stat -top $top"
    # Generic gates; memories (the RX deskew buffers) stay memories, as they would be SRAM.
    yosys -q -l "$build/synth_$top.log" -p "read_verilog -sv ${srcs[*]}; \
      chparam -set LANES $l -set SPARES $s -set AM_PERIOD 16384 -set SER_W 22 $extra $top; \
      synth -top $top $flat -run begin:fine; opt -fast; memory -nomap; opt_clean; \
      techmap; opt -fast; abc -fast; opt_clean; $stat" >/dev/null
    local stats cells ffs mems from
    # The last statistics block, from its design hierarchy total when there is one (the
    # log's tail from the last such heading: the log of a large top is 100k lines and more).
    from=$(grep -n -e 'Printing statistics' -e '=== design hierarchy ===' "$build/synth_$top.log" |
           tail -n 1 | cut -d: -f1)
    stats="$(tail -n +"${from:-1}" "$build/synth_$top.log")"
    cells=$(echo -e "$stats" | awk '/Number of cells:/ {print $4; exit}')
    ffs=$(echo -e "$stats" | awk '$1 ~ /^\$_(S?DFF|DFFE|ALDFF|DLATCH)/ {n += $2} END {print n + 0}')
    mems=$(echo -e "$stats" | awk '$1 ~ /^\$mem/ {n += $2} END {print n + 0}')
    echo "synth $top LANES=$l SPARES=$s AM_PERIOD=16384 SER_W=22${extra:+ MAX_SKEW_BITS=1056}:" \
         "$cells cells ($ffs flip-flops, $mems memories), $(( (cells - mems) / (l + s) )) gate" \
         "cells per channel"
  done
}

# sort_net, perm_net, benes_net, port_tree and port_count come in two forms (`ifdef
# SYNTHESIS): a structural one for synthesis (instances of sort_cx, perm_sw,
# port_tree_node and port_count_node, flattened here) and a procedural one for
# simulation. Prove them equal, for every input, at sizes up to 8 (the proof grows fast
# with the size; tests/rtl_networks.rs runs the simulators' form at up to 300 channels).
equiv_one() {
  local m="$1"; shift
  local cp="chparam $* $m"
  if yosys -q -l "$build/equiv_$m.log" -p "\
      read_verilog -sv -nosynthesis $here/param_assert.sv $here/$m.sv; $cp; rename $m gold; \
      design -stash gold_d; \
      read_verilog -sv $here/param_assert.sv $here/sort_cx.sv $here/perm_sw.sv \
        $here/port_tree_node.sv $here/port_count_node.sv $here/$m.sv; $cp; \
      hierarchy; proc; flatten; rename $m gate; \
      design -stash gate_d; \
      design -copy-from gold_d -as gold gold; design -copy-from gate_d -as gate gate; \
      proc; opt_clean; flatten; miter -equiv -flatten -make_outputs gold gate miter; \
      hierarchy -top miter; sat -verify -prove trigger 0 miter" >/dev/null 2>&1; then
    echo "equiv ok:   $m $*"
  else
    echo "equiv FAIL: $m $* (the two forms differ; $build/equiv_$m.log)"; return 1
  fi
}

equiv() {
  local fail=0
  command -v yosys >/dev/null || { echo "equiv: yosys is not installed (scripts/setup installs it)"; return 1; }
  for n in 1 2 3 5 8; do
    equiv_one sort_net -set N "$n" -set KEY_W 2 -set PAY_W 1 || fail=1
  done
  # Wider keys: sort_cx's ripple comparison against the procedural form's `>`.
  equiv_one sort_net -set N 2 -set KEY_W 9 -set PAY_W 2 || fail=1
  equiv_one sort_net -set N 3 -set KEY_W 5 -set PAY_W 1 || fail=1
  for n in 1 2 3 5 8; do
    for r in 0 1; do equiv_one perm_net -set N "$n" -set W 2 -set REVERSE "$r" || fail=1; done
  done
  for l in 1 2 3; do
    equiv_one benes_net -set L "$l" -set W 2 || fail=1
  done
  for n in 1 2 3 5 8; do
    for mx in 0 1; do
      for th in 0 1; do
        equiv_one port_tree -set N "$n" -set KEY_W 2 -set PAY_W 1 -set MAX "$mx" -set TIE_HIGH "$th" ||
          fail=1
      done
    done
    equiv_one port_count -set N "$n" -set W 4 || fail=1
  done
  return $fail
}

# The Benes network (W = 64) and its routing unit (GATHER = 0) at one L, hierarchically and
# with the flow of synth(): cells in total and per port, flip-flops, and Yosys's wall time
# and peak memory (from /usr/bin/time -v when it is there).
synth_benes() {
  local l="${1:-7}"
  shift $(( $# < 1 ? $# : 1 ))
  local tops=("$@")
  [ ${#tops[@]} -eq 0 ] && tops=(benes_net benes_route)
  local p=$(( 1 << l ))
  for top in "${tops[@]}"; do
    local set="-set L $l -set W 64"
    [ "$top" = benes_route ] && set="-set L $l -set GATHER 0"
    local log="$build/synth_${top}_L$l.log" tlog="$build/synth_${top}_L$l.time" timer=()
    [ -x /usr/bin/time ] && timer=(/usr/bin/time -v -o "$tlog")
    "${timer[@]}" yosys -q -l "$log" -p "read_verilog -sv ${srcs[*]}; chparam $set $top; \
      synth -top $top -run begin:fine; opt -fast; memory -nomap; opt_clean; \
      techmap; opt -fast; abc -fast; opt_clean; stat -top $top" >/dev/null
    local from stats cells ffs wall="?" rss="?"
    from=$(grep -n -e 'Printing statistics' -e '=== design hierarchy ===' "$log" | tail -n 1 | cut -d: -f1)
    stats="$(tail -n +"${from:-1}" "$log")"
    cells=$(echo -e "$stats" | awk '/Number of cells:/ {print $4; exit}')
    ffs=$(echo -e "$stats" | awk '$1 ~ /^\$_(S?DFF|DFFE|ALDFF|DLATCH)/ {n += $2} END {print n + 0}')
    if [ -f "$tlog" ]; then
      wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$tlog")
      rss=$(awk '/Maximum resident set size/ {printf "%.0f MB", $6 / 1024}' "$tlog")
    fi
    echo "synth $top L=$l (P=$p)$([ "$top" = benes_net ] && echo " W=64"):" \
         "$cells cells ($ffs flip-flops), $(( cells / p )) per port; yosys $wall, $rss"
  done
}

case "${1:-all}" in
  lint)  shift; lint "$@" ;;
  sim)   shift; sim icarus "$@" ;;
  vsim)  shift; sim verilator "$@" ;;
  synth) shift; synth "$@" ;;
  equiv) equiv ;;
  synth-benes) shift; synth_benes "$@" ;;
  all)   lint && sim icarus && equiv && synth ;;
  *)     echo "usage: rtl/run.sh lint [wide] | sim [SET...] | vsim [SET...] | synth [LANES SPARES [TOP...]] | equiv | synth-benes [L [TOP...]] | all" >&2
         exit 2 ;;
esac
