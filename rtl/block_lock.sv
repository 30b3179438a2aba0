// block_lock: 64b/66b block lock by sync-header hunting (802.3 Clause 49 Figure 49-14;
// docs/spec.md 11.1; model lock::BlockLock).
//
// Function:   tests the sync header of each candidate block (blk_valid_i, sh_valid_i).
//             Not locked: SH_VALID_TO_LOCK = 64 valid headers in a row gain lock, an
//             invalid header slips (slip_o) and restarts the count. Locked: headers are
//             counted in windows of SH_WINDOW = 64; the SH_INVALID_TO_UNLOCK = 16th invalid
//             header of a window loses lock and slips (lost_o). pass_o: the block is taken
//             and block lock holds after it (the block that completes the 64 is passed on).
//             CH channels side by side, each its own lock: channel c in bit c of every
//             port (its counters in [c*7 +: 7], [c*5 +: 5]); one loop over the channels (docs/rtl.md "Channel loops").
// Parameters: CH (>= 1).
// Latency:    slip_o, pass_o, lost_o are combinational; locked_o is the state before the
//             block.
module block_lock #(
  parameter int CH = 1
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  input  logic [CH-1:0] blk_valid_i,
  input  logic [CH-1:0] sh_valid_i,
  output logic [CH-1:0] slip_o,
  output logic [CH-1:0] pass_o,
  output logic [CH-1:0] lost_o,
  output logic [CH-1:0] locked_o
);

  localparam logic [6:0] SH_VALID_TO_LOCK     = 7'd64;
  localparam logic [6:0] SH_WINDOW            = 7'd64;
  localparam logic [4:0] SH_INVALID_TO_UNLOCK = 5'd16;

  logic [CH-1:0]   locked_q, locked_d;
  logic [CH*7-1:0] sh_cnt_q, sh_cnt_d;
  logic [CH*5-1:0] invld_q, invld_d;

  // One channel's incremented counts (block-local temporaries).
  logic [6:0] sh_cnt_inc;
  logic [4:0] invld_inc;

  always @(*) begin
    locked_d = locked_q;
    sh_cnt_d = sh_cnt_q;
    invld_d  = invld_q;
    slip_o   = CH'(0);
    for (int c = 0; c < CH; c++) begin
      sh_cnt_inc = sh_cnt_q[c*7 +: 7] + 7'd1;
      invld_inc  = invld_q[c*5 +: 5] + 5'd1;
      if (blk_valid_i[c]) begin
        if (!locked_q[c]) begin
          if (sh_valid_i[c]) begin
            sh_cnt_d[c*7 +: 7] = sh_cnt_inc;
            if (sh_cnt_inc == SH_VALID_TO_LOCK) begin
              locked_d[c]        = 1'b1;
              sh_cnt_d[c*7 +: 7] = 7'd0;
              invld_d[c*5 +: 5]  = 5'd0;
            end
          end else begin
            sh_cnt_d[c*7 +: 7] = 7'd0;
            slip_o[c]          = 1'b1;
          end
        end else begin
          sh_cnt_d[c*7 +: 7] = sh_cnt_inc;
          if (!sh_valid_i[c]) invld_d[c*5 +: 5] = invld_inc;
          if (!sh_valid_i[c] && invld_inc == SH_INVALID_TO_UNLOCK) begin
            locked_d[c]        = 1'b0;
            sh_cnt_d[c*7 +: 7] = 7'd0;
            invld_d[c*5 +: 5]  = 5'd0;
            slip_o[c]          = 1'b1;
          end else if (sh_cnt_inc == SH_WINDOW) begin
            sh_cnt_d[c*7 +: 7] = 7'd0;
            invld_d[c*5 +: 5]  = 5'd0;
          end
        end
      end
    end
  end

  assign pass_o   = blk_valid_i & ~slip_o & locked_d;
  assign lost_o   = blk_valid_i & slip_o & locked_q;
  assign locked_o = locked_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      locked_q <= CH'(0);
      sh_cnt_q <= (CH*7)'(0);
      invld_q  <= (CH*5)'(0);
    end else begin
      locked_q <= locked_d;
      sh_cnt_q <= sh_cnt_d;
      invld_q  <= invld_d;
    end
  end

endmodule
