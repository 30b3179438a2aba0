// tessera_pkg: every DPI-C import of Tessera's golden model (crate tessera-dpi,
// include/tessera_dpi.h), for SystemVerilog and UVM benches.
//
// * One model instance per chandle, from tessera_new(config) (the `key: value` lines of
//   `tessera gen` and of a vector header); null on bad input, then tessera_create_error()
//   says what is wrong and where. tessera_free(m) releases it. Nothing is global: any
//   number of instances live side by side.
// * Buses cross as open unpacked arrays of 32-bit words, `bit [31:0] w[]`: word i holds
//   bus bits [32*i +: 32]. Size the arrays with tessera_words(width); buses_to_words /
//   words_to_bus-style loops (see dpi/tb/tessera_dpi_tb.sv) fill them.
// * Return codes: 0 done / equal, 1 mismatch (checks) or "there was one" (getters), -1 an
//   error; after 1 from a check or -1, tessera_last_error(m) is the message (a mismatch
//   names clock, signal, channel / port / lane, expected and actual).
// * Plain 2-state functions: no `context` (nothing calls back into the simulator), no
//   `pure` (every call reads or changes the instance).
// Accepted by Verilator 5.006 and any simulator with DPI-C. Icarus has no DPI
// (steveicarus/iverilog#100): use the Python wheel and cocotb there (README).
package tessera_pkg;

  // Words of 32 bits for a bus of `width` bits.
  function automatic int tessera_words(input int width);
    return (width + 31) / 32;
  endfunction

  // -------------------------------------------------------------- instances
  import "DPI-C" function chandle tessera_new(input string configuration);
  import "DPI-C" function string tessera_create_error();
  import "DPI-C" function void tessera_free(input chandle m);
  import "DPI-C" function string tessera_last_error(input chandle m);
  import "DPI-C" function string tessera_describe(input chandle m);
  // 0 if the DUT's parameters are the configuration's (max_skew_bits < 0 for a TX).
  import "DPI-C" function int tessera_check_rtl(input chandle m, input int lanes,
      input int spares, input int am_period, input int ser_w, input int max_skew_bits);
  import "DPI-C" function longint tessera_run_clocks(input chandle m);
  import "DPI-C" function longint unsigned tessera_seed(input chandle m);
  import "DPI-C" function int tessera_clocks_per_block(input chandle m);

  // The TX lane-map entry of a channel, {failed, lane[15:0]} (lane 16'hFFFF: a spare), for
  // the RTL's map write port while rst_ni is low.
  import "DPI-C" function int tessera_tx_map_entry(input chandle m, input int channel);

  // -------------------------------------------------------------- host stimulus
  // The configuration's run: tx_data_i of the host's next clock into data; returns tx_valid_i.
  import "DPI-C" function int tessera_host_clock(input chandle m, output bit [31:0] data[]);

  // -------------------------------------------------------------- TX
  // One clock: the DUT's tx_valid_i / tx_data_i in, the expected tx_serial_o out; returns
  // the expected tx_ready_o.
  import "DPI-C" function int tessera_tx_clock(input chandle m, input bit valid,
      input bit [31:0] data[], output bit [31:0] serial[]);
  // The DUT's tx_ready_o / tx_serial_o of that clock against the model's.
  import "DPI-C" function int tessera_tx_check(input chandle m, input bit ready,
      input bit [31:0] serial[]);

  // -------------------------------------------------------------- channel
  // One clock of tx_serial_o into the channel model (skew, permutation, faults, seed).
  import "DPI-C" function int tessera_channel_put(input chandle m, input bit [31:0] serial[]);
  // The next clock of rx_serial_i it made: 1, or 0 if none is ready yet.
  import "DPI-C" function int tessera_channel_get(input chandle m, output bit [31:0] serial[]);

  // -------------------------------------------------------------- RX
  // The rx_serial_i word the DUT gets on this clock.
  import "DPI-C" function int tessera_rx_clock(input chandle m, input bit [31:0] serial[]);
  // The model's next stripe: 1, or 0 if none (use this or tessera_rx_check_stripe).
  import "DPI-C" function int tessera_rx_stripe(input chandle m, output bit [31:0] data[]);
  // The DUT's stripe of this clock (rx_valid_o high) against the model's, in order.
  import "DPI-C" function int tessera_rx_check_stripe(input chandle m, input bit [31:0] data[]);
  // End of run: the DUT showed exactly the model's stripes.
  import "DPI-C" function int tessera_rx_check_done(input chandle m);
  import "DPI-C" function longint tessera_rx_stripes_matched(input chandle m);
  // The DUT's per-port status of this clock (before the edge, before tessera_rx_clock).
  import "DPI-C" function int tessera_rx_check_ports(input chandle m, input int unsigned cnt_w,
      input bit [31:0] block_lock[], input bit [31:0] marker_lock[], input bit [31:0] lane[],
      input bit [31:0] bip_errors[], input bit [31:0] slips[],
      input bit [31:0] block_lock_losses[], input bit [31:0] marker_lock_losses[],
      input bit [31:0] invalid_headers[], input bit [31:0] bits[]);
  // The model's per-port status as those nine outputs.
  import "DPI-C" function int tessera_rx_port_status(input chandle m, input int unsigned cnt_w,
      output bit [31:0] block_lock[], output bit [31:0] marker_lock[], output bit [31:0] lane[],
      output bit [31:0] bip_errors[], output bit [31:0] slips[],
      output bit [31:0] block_lock_losses[], output bit [31:0] marker_lock_losses[],
      output bit [31:0] invalid_headers[], output bit [31:0] bits[]);
  // The DUT's link status after the run (fed clocks 0..C-1: read before edge C+1, zeros on
  // rx_serial_i on clocks C and C+1, which the model is not fed).
  import "DPI-C" function int tessera_rx_check_link(input chandle m, input int unsigned cnt_w,
      input bit [31:0] aligned[], input bit [31:0] in_link[], input bit [31:0] skew[],
      input bit [31:0] stripes_out[], input bit [31:0] stripes_lost[],
      input bit [31:0] idle_slots[], input bit [31:0] unreadable_slots[],
      input bit [31:0] formations[], input bit [31:0] joins[], input bit [31:0] skew_fault[],
      input bit [31:0] skew_fault_spread[], input bit [31:0] skew_fault_early[],
      input bit [31:0] skew_fault_late[], input bit [31:0] dup_lane[],
      input bit [31:0] dup_lane_lane[], input bit [31:0] dup_lane_kept[],
      input bit [31:0] dup_lane_refused[]);

  // The model's link status as those seventeen outputs (one clock after the clocks fed).
  import "DPI-C" function int tessera_rx_link_status(input chandle m, input int unsigned cnt_w,
      output bit [31:0] aligned[], output bit [31:0] in_link[], output bit [31:0] skew[],
      output bit [31:0] stripes_out[], output bit [31:0] stripes_lost[],
      output bit [31:0] idle_slots[], output bit [31:0] unreadable_slots[],
      output bit [31:0] formations[], output bit [31:0] joins[], output bit [31:0] skew_fault[],
      output bit [31:0] skew_fault_spread[], output bit [31:0] skew_fault_early[],
      output bit [31:0] skew_fault_late[], output bit [31:0] dup_lane[],
      output bit [31:0] dup_lane_lane[], output bit [31:0] dup_lane_kept[],
      output bit [31:0] dup_lane_refused[]);

  // -------------------------------------------------------------- benches
  // Monotonic nanoseconds (to time a bench's own loops).
  import "DPI-C" function longint unsigned tessera_now_ns();

endpackage
