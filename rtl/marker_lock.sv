// marker_lock: alignment-marker lock of the RX ports (802.3 Clause 82 in spirit;
// docs/spec.md 11.2; model lock::MarkerLock).
//
// Function:   fed the block-locked blocks (blk_valid_i) with whether each is a valid
//             marker and its lane number. HUNT: a valid marker is a candidate (ev_cand_o).
//             CONFIRM: AM_PERIOD blocks after the candidate a valid marker of the same lane
//             gains lock (AM_VALID_TO_LOCK = 2; ev_slot_o with gained_o), one of another
//             lane is a new candidate, anything else returns to HUNT. LOCKED: every
//             AM_PERIOD-th block is a marker slot (ev_slot_o; slot_ok_o when it is a valid
//             marker of the locked lane); other blocks are payload (ev_payload_o). The
//             AM_INVALID_TO_UNLOCK = 4th bad slot in a row, or a valid marker of another
//             lane (which becomes the candidate, retry_o), loses lock (ev_lost_o).
//             clear_i (block lock lost) returns to HUNT.
//             CH channels side by side, each its own lock: channel c in bit c of the 1-bit
//             ports and [c*16 +: 16] of marker_lane_i / lane_o (its state likewise, W bits
//             in [c*W +: W]); one loop over the channels
//             (docs/rtl.md "Channel loops").
// Parameters: CH (>= 1), AM_PERIOD (>= 4).
// Latency:    events are combinational for the block offered; state changes at the edge.
module marker_lock #(
  parameter int CH        = 1,
  parameter int AM_PERIOD = 16
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [CH-1:0]    clear_i,
  input  logic [CH-1:0]    blk_valid_i,
  input  logic [CH-1:0]    marker_valid_i,
  input  logic [CH*16-1:0] marker_lane_i,
  output logic [CH-1:0]    ev_cand_o,
  output logic [CH-1:0]    ev_slot_o,
  output logic [CH-1:0]    slot_ok_o,
  output logic [CH-1:0]    gained_o,
  output logic [CH-1:0]    ev_payload_o,
  output logic [CH-1:0]    ev_lost_o,
  output logic [CH-1:0]    retry_o,
  output logic [CH-1:0]    locked_o,
  output logic [CH*16-1:0] lane_o
);

  localparam int         AM_W                 = $clog2(AM_PERIOD);
  localparam logic [1:0] AM_INVALID_TO_UNLOCK = 2'd3;  // bad slots in a row before the 4th
  localparam logic [1:0] ST_HUNT              = 2'd0;
  localparam logic [1:0] ST_CONFIRM           = 2'd1;
  localparam logic [1:0] ST_LOCKED            = 2'd2;
  localparam logic [AM_W-1:0] AM_LAST         = AM_W'(AM_PERIOD - 1);

  logic [CH*2-1:0]    st_q, st_d;
  logic [CH*16-1:0]   lane_q, lane_d;
  logic [CH*AM_W-1:0] since_q, since_d;
  logic [CH*2-1:0]    run_q, run_d;

  // One channel's state and inputs (block-local temporaries).
  logic [1:0]      st, run;
  logic [15:0]     lane, mlane;
  logic [AM_W-1:0] since;
  logic            due, mvalid;

  always @(*) begin
    st_d         = st_q;
    lane_d       = lane_q;
    since_d      = since_q;
    run_d        = run_q;
    ev_cand_o    = CH'(0);
    ev_slot_o    = CH'(0);
    slot_ok_o    = CH'(0);
    gained_o     = CH'(0);
    ev_payload_o = CH'(0);
    ev_lost_o    = CH'(0);
    retry_o      = CH'(0);
    for (int c = 0; c < CH; c++) begin
      st     = st_q[c*2 +: 2];
      run    = run_q[c*2 +: 2];
      lane   = lane_q[c*16 +: 16];
      since  = since_q[c*AM_W +: AM_W];
      due    = (since == AM_LAST);
      mvalid = marker_valid_i[c];
      mlane  = marker_lane_i[c*16 +: 16];
      if (clear_i[c]) begin
        st_d[c*2 +: 2] = ST_HUNT;
      end else if (blk_valid_i[c]) begin
        case (st)
          ST_CONFIRM: begin
            if (!due) begin
              since_d[c*AM_W +: AM_W] = since + 1'b1;
            end else if (mvalid && mlane == lane) begin
              st_d[c*2 +: 2]          = ST_LOCKED;
              since_d[c*AM_W +: AM_W] = {AM_W{1'b0}};
              run_d[c*2 +: 2]         = 2'd0;
              ev_slot_o[c]            = 1'b1;
              slot_ok_o[c]            = 1'b1;
              gained_o[c]             = 1'b1;
            end else if (mvalid) begin
              lane_d[c*16 +: 16]      = mlane;
              since_d[c*AM_W +: AM_W] = {AM_W{1'b0}};
              ev_cand_o[c]            = 1'b1;
            end else begin
              st_d[c*2 +: 2] = ST_HUNT;
            end
          end
          ST_LOCKED: begin
            if (!due) begin
              since_d[c*AM_W +: AM_W] = since + 1'b1;
              ev_payload_o[c]         = 1'b1;
            end else if (mvalid && mlane == lane) begin
              since_d[c*AM_W +: AM_W] = {AM_W{1'b0}};
              run_d[c*2 +: 2]         = 2'd0;
              ev_slot_o[c]            = 1'b1;
              slot_ok_o[c]            = 1'b1;
            end else if (mvalid) begin
              st_d[c*2 +: 2]          = ST_CONFIRM;
              lane_d[c*16 +: 16]      = mlane;
              since_d[c*AM_W +: AM_W] = {AM_W{1'b0}};
              ev_lost_o[c]            = 1'b1;
              retry_o[c]              = 1'b1;
            end else if (run == AM_INVALID_TO_UNLOCK) begin
              st_d[c*2 +: 2] = ST_HUNT;
              ev_lost_o[c]   = 1'b1;
            end else begin
              since_d[c*AM_W +: AM_W] = {AM_W{1'b0}};
              run_d[c*2 +: 2]         = run + 1'b1;
              ev_slot_o[c]            = 1'b1;
            end
          end
          default: begin  // ST_HUNT
            if (mvalid) begin
              st_d[c*2 +: 2]          = ST_CONFIRM;
              lane_d[c*16 +: 16]      = mlane;
              since_d[c*AM_W +: AM_W] = {AM_W{1'b0}};
              ev_cand_o[c]            = 1'b1;
            end
          end
        endcase
      end
    end
  end

  always @(*) begin
    locked_o = CH'(0);
    for (int c = 0; c < CH; c++) begin
      locked_o[c] = (st_q[c*2 +: 2] == ST_LOCKED);
    end
  end

  assign lane_o = lane_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q    <= (CH*2)'(0);  // ST_HUNT (2'd0) in every channel
      lane_q  <= (CH*16)'(0);
      since_q <= (CH*AM_W)'(0);
      run_q   <= (CH*2)'(0);
    end else begin
      st_q    <= st_d;
      lane_q  <= lane_d;
      since_q <= since_d;
      run_q   <= run_d;
    end
  end

endmodule
