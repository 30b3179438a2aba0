// port_tree: the best of N records (a reduction over the ports), for the cross-port
// decisions of deskew.
//
// Function:   of the records i with valid_i[i], the one with the smallest key (MAX = 0) or
//             the largest (MAX = 1); of several with that key the lowest index, or the
//             highest when TIE_HIGH. valid_o says whether any record is valid; key_o,
//             pay_o and idx_o (its index) are those of the chosen record, all zero when
//             none is. With KEY_W = 1 and all keys zero it finds the first (TIE_HIGH = 0)
//             or the last (TIE_HIGH = 1) valid record.
//             Two forms of the same function: simulators run a loop over the records in
//             index order (one pass, no instances); synthesis (SYNTHESIS) reads a tree of
//             exactly N - 1 port_tree_node instances (no padding to a power of two: a
//             hierarchical synthesis cannot fold constant leaves away), depth ceil(log2 N),
//             so that it maps one node and counts instances. Ties
//             resolve the same way in both, by the records' indices. rtl/run.sh equiv
//             proves the two forms equal.
// Parameters: N (records, >= 1), KEY_W, PAY_W (>= 1), MAX, TIE_HIGH.
// Latency:    combinational.
module port_tree #(
  parameter int N        = 8,
  parameter int KEY_W    = 8,
  parameter int PAY_W    = 1,
  parameter bit MAX      = 1'b0,
  parameter bit TIE_HIGH = 1'b0
) (
  input  logic [N-1:0]       valid_i,
  input  logic [N*KEY_W-1:0] key_i,
  input  logic [N*PAY_W-1:0] pay_i,
  output logic               valid_o,
  output logic [KEY_W-1:0]   key_o,
  output logic [PAY_W-1:0]   pay_o,
  output logic [((N > 1) ? $clog2(N) : 1)-1:0] idx_o
);

  localparam int IDX_W = (N > 1) ? $clog2(N) : 1;

  param_assert #(
    .OK (N >= 1 && KEY_W >= 1 && PAY_W >= 1),
    .MSG("port_tree: need N >= 1, KEY_W >= 1 and PAY_W >= 1")
  ) u_chk_params ();

`ifdef SYNTHESIS
  if (N > 1) begin : gen_tree
    // Heap order over exactly N leaves: node n (1 .. N - 1) combines nodes 2n and 2n + 1,
    // leaf i is node N + i, node 1 is the root; node n is stored at n - 1. (The leaves are
    // not in index order along the tree for N other than a power of two, which is why the
    // nodes settle ties by index.)
    localparam int NN = 2 * N - 1;

    // (split_var: else Verilator, linting this form, takes each vector through all levels
    // for a combinational loop, UNOPTFLAT.)
    logic [NN-1:0]       tv /* verilator split_var */;
    logic [NN*KEY_W-1:0] tk /* verilator split_var */;
    logic [NN*PAY_W-1:0] tp /* verilator split_var */;
    logic [NN*IDX_W-1:0] ti /* verilator split_var */;

    assign tv[N-1 +: N]             = valid_i;
    assign tk[(N-1)*KEY_W +: N*KEY_W] = key_i;
    assign tp[(N-1)*PAY_W +: N*PAY_W] = pay_i;
    for (genvar i = 0; i < N; i++) begin : gen_leaf
      assign ti[(N - 1 + i)*IDX_W +: IDX_W] = IDX_W'(i);
    end

    for (genvar n = 1; n < N; n++) begin : gen_node
      port_tree_node #(
        .KEY_W   (KEY_W),
        .PAY_W   (PAY_W),
        .IDX_W   (IDX_W),
        .MAX     (MAX),
        .TIE_HIGH(TIE_HIGH)
      ) u_node (
        .a_valid_i(tv[2*n - 1]),
        .a_key_i  (tk[(2*n - 1)*KEY_W +: KEY_W]),
        .a_pay_i  (tp[(2*n - 1)*PAY_W +: PAY_W]),
        .a_idx_i  (ti[(2*n - 1)*IDX_W +: IDX_W]),
        .b_valid_i(tv[2*n]),
        .b_key_i  (tk[2*n*KEY_W +: KEY_W]),
        .b_pay_i  (tp[2*n*PAY_W +: PAY_W]),
        .b_idx_i  (ti[2*n*IDX_W +: IDX_W]),
        .valid_o  (tv[n - 1]),
        .key_o    (tk[(n - 1)*KEY_W +: KEY_W]),
        .pay_o    (tp[(n - 1)*PAY_W +: PAY_W]),
        .idx_o    (ti[(n - 1)*IDX_W +: IDX_W])
      );
    end

    // The root; all zero when no record is valid (only here: an invalid record inside the
    // tree never wins).
    assign valid_o = tv[0];
    assign key_o   = tv[0] ? tk[0 +: KEY_W] : KEY_W'(0);
    assign pay_o   = tv[0] ? tp[0 +: PAY_W] : PAY_W'(0);
    assign idx_o   = tv[0] ? ti[0 +: IDX_W] : IDX_W'(0);
  end else begin : gen_one
    assign valid_o = valid_i[0];
    assign key_o   = valid_i[0] ? key_i : KEY_W'(0);
    assign pay_o   = valid_i[0] ? pay_i : PAY_W'(0);
    assign idx_o   = IDX_W'(0);
  end
`else
  // Procedural form, for simulators: one pass in index order.
  function automatic logic better(input logic [KEY_W-1:0] x, input logic [KEY_W-1:0] best);
    better = MAX ? (TIE_HIGH ? (x >= best) : (x > best))
                 : (TIE_HIGH ? (x <= best) : (x < best));
  endfunction

  always @(*) begin
    valid_o = 1'b0;
    key_o   = KEY_W'(0);
    pay_o   = PAY_W'(0);
    idx_o   = IDX_W'(0);
    for (int i = 0; i < N; i++) begin
      if (valid_i[i] && (!valid_o || better(key_i[i*KEY_W +: KEY_W], key_o))) begin
        valid_o = 1'b1;
        key_o   = key_i[i*KEY_W +: KEY_W];
        pay_o   = pay_i[i*PAY_W +: PAY_W];
        idx_o   = IDX_W'(i);
      end
    end
  end
`endif

endmodule
