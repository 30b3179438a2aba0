// deskew_fifo: the RX ports' deskew buffers (docs/spec.md 11.5; model deskew::PortQueue).
//
// Function:   per port a FIFO of the port's delivered slots, each {kind[1:0], data[63:0]}
//             plus a "bad sync header" flag. Per clock, in this order: clear_i empties it;
//             otherwise drop_i entries leave from the head, then push_i appends one entry
//             (ignored when full). head_* is the oldest entry (zeros when empty),
//             second_kind_o the kind of the next one (zero with fewer than two); bad_win_o
//             is the OR of the bad flags of the first HOLD+1 entries present (the release
//             hold window of the head slot).
//             CH ports side by side, port c's signals in [c*W +: W] (one loop over the
//             ports; docs/rtl.md "Channel loops"); port c's storage is entries
//             c*DEPTH .. c*DEPTH + DEPTH - 1 of one memory.
// Parameters: CH (>= 1), DEPTH (power of two >= 2), HOLD (release hold, slots).
// Latency:    outputs come from registers and the storage (no input-to-output path).
module deskew_fifo #(
  parameter int CH    = 1,
  parameter int DEPTH = 64,
  parameter int HOLD  = 8
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic [CH-1:0]                 clear_i,
  input  logic [CH*($clog2(DEPTH)+1)-1:0] drop_i,
  input  logic [CH-1:0]                 push_i,
  input  logic [2*CH-1:0]               push_kind_i,
  input  logic [64*CH-1:0]              push_data_i,
  input  logic [CH-1:0]                 push_bad_i,
  output logic [CH*($clog2(DEPTH)+1)-1:0] count_o,
  output logic [2*CH-1:0]               head_kind_o,
  output logic [64*CH-1:0]              head_data_o,
  output logic [2*CH-1:0]               second_kind_o,
  output logic [CH-1:0]                 bad_win_o
);

  localparam int          AW   = $clog2(DEPTH);
  localparam int          CW   = AW + 1;          // count width
  localparam int          MW   = $clog2(CH * DEPTH);  // storage address width
  localparam logic [AW:0] FULL = (AW+1)'(DEPTH);

  param_assert #(
    .OK (CH >= 1 && DEPTH >= 2 && (1 << AW) == DEPTH && HOLD >= 0 && HOLD < DEPTH),
    .MSG("deskew_fifo: CH must be >= 1, DEPTH a power of two >= 2 and HOLD < DEPTH")
  ) u_chk_depth ();

  // Storage address of port c's entry a.
  function automatic logic [MW-1:0] at(input int c, input logic [AW-1:0] a);
    at = MW'(c * DEPTH) + MW'(a);
  endfunction

  // Storage: one memory of CH * DEPTH entries. Verilator 5.006 cannot take non-blocking
  // writes to an unpacked array inside a loop it does not unroll (BLKLOOPINIT), so there
  // it is one packed vector (entry e in [66*e +: 66]); Icarus and Yosys get the array.
`ifdef VERILATOR
  logic [66*CH*DEPTH-1:0] mem_q;
`else
  logic [65:0]            mem_q [CH*DEPTH];
`endif
  // Registered state, port c's in [c*W +: W]: a bad flag per entry, head, count.
  logic [CH*DEPTH-1:0] bad_q, bad_d;
  logic [CH*AW-1:0]    head_q;
  logic [CH*CW-1:0]    count_q;

  // Next state, per port (port c's in [c*AW +: AW] and [c*CW +: CW]).
  logic [CH*AW-1:0] head_d, tail;
  logic [CH*CW-1:0] count_d;
  logic [CH-1:0]    do_push;
  logic [AW-1:0]    head_n;
  logic [AW:0]      after_drop, drop;

  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      drop       = drop_i[c*CW +: CW];
      after_drop = count_q[c*CW +: CW] - drop;
      do_push[c] = push_i[c] && !clear_i[c] && (after_drop != FULL);
      if (clear_i[c]) begin
        head_n                = {AW{1'b0}};
        count_d[c*CW +: CW]   = {(AW+1){1'b0}};
      end else begin
        head_n                = head_q[c*AW +: AW] + drop[AW-1:0];
        count_d[c*CW +: CW]   = after_drop + {{AW{1'b0}}, do_push[c]};
      end
      head_d[c*AW +: AW] = head_n;
      tail[c*AW +: AW]   = head_n + after_drop[AW-1:0];
    end
  end

  always @(*) begin
    bad_d = bad_q;
    for (int c = 0; c < CH; c++) begin
      if (do_push[c]) bad_d[at(c, tail[c*AW +: AW])] = push_bad_i[c];
    end
  end

  always_ff @(posedge clk_i) begin
    for (int c = 0; c < CH; c++) begin
      if (do_push[c]) begin
`ifdef VERILATOR
        mem_q[66*at(c, tail[c*AW +: AW]) +: 66] <= {push_kind_i[2*c +: 2], push_data_i[64*c +: 64]};
`else
        mem_q[at(c, tail[c*AW +: AW])] <= {push_kind_i[2*c +: 2], push_data_i[64*c +: 64]};
`endif
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      head_q  <= (CH*AW)'(0);
      count_q <= (CH*CW)'(0);
      bad_q   <= (CH*DEPTH)'(0);
    end else begin
      head_q  <= head_d;
      count_q <= count_d;
      bad_q   <= bad_d;
    end
  end

  // Entry e of the storage.
  function automatic logic [65:0] entry(input logic [MW-1:0] e);
`ifdef VERILATOR
    entry = mem_q[66*e +: 66];
`else
    entry = mem_q[e];
`endif
  endfunction

  // The kind of entry e.
  function automatic logic [1:0] entry_kind(input logic [MW-1:0] e);
`ifdef VERILATOR
    entry_kind = mem_q[66*e + 64 +: 2];
`else
    logic [65:0] x;
    x          = mem_q[e];
    entry_kind = x[65:64];
`endif
  endfunction

  // Outputs: the registered state and the storage only.
  logic [65:0]   head_entry;
  logic [1:0]    second_kind;
  logic [AW-1:0] win_addr, head, head_next;
  logic [AW:0]   count;
  logic          bad_win;

  always @(*) begin
    for (int c = 0; c < CH; c++) begin
      count       = count_q[c*CW +: CW];
      head        = head_q[c*AW +: AW];
      head_next   = head + 1'b1;
      count_o[c*CW +: CW] = count;
      head_entry  = (count != {(AW+1){1'b0}}) ? entry(at(c, head)) : 66'h0;
      second_kind = (count > {{AW{1'b0}}, 1'b1}) ? entry_kind(at(c, head_next)) : 2'b00;
      head_kind_o[2*c +: 2]   = head_entry[65:64];
      head_data_o[64*c +: 64] = head_entry[63:0];
      second_kind_o[2*c +: 2] = second_kind;
      bad_win = 1'b0;
      for (int j = 0; j <= HOLD; j++) begin
        win_addr = head + AW'(j);
        if (AW'(j) < count[AW-1:0] || count[AW]) begin
          bad_win = bad_win | bad_q[at(c, win_addr)];
        end
      end
      bad_win_o[c] = bad_win;
    end
  end

endmodule
