// param_assert: stops elaboration when a parameter combination is invalid.
//
// Function:   when OK is 0, elaboration fails with MSG. Verilator and Yosys stop at
//             elaboration ($error in a generate block; Verilator names the instance).
//             Icarus 11 does not accept elaboration-time $error, so under Icarus the
//             check is an initial-block $fatal that stops the simulation at time 0 with
//             the instance path (%m) and MSG, exit status 1.
// Parameters: OK  - 1 when the parameters checked are valid.
//             MSG - the error text; name the module and the parameter in it.
// Latency:    none (no logic).
module param_assert #(
  parameter OK  = 1'b1,
  parameter MSG = "parameter check failed"
) ();

  if (!OK) begin : gen_fail
`ifdef __ICARUS__
    initial $fatal(1, "%m: %0s", MSG);
`elsif VERILATOR
    $error("%s", MSG);
`else
    $error(MSG);
`endif
  end

endmodule
