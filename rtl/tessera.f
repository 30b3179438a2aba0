// Tessera's reference RTL: every synthesizable source, for Verilator, Icarus, Yosys or any
// simulator: paths are relative to this file, so name it with -F (Verilator, VCS), or -f
// from this folder.
benes_net.sv
benes_route.sv
benes_cfg_bit.sv
benes_dec.sv
benes_flag.sv
benes_lsb.sv
benes_prio.sv
benes_rdcol.sv
benes_tab_ent.sv
bip8.sv
block_lock.sv
descrambler.sv
deskew.sv
deskew_port.sv
deskew_fifo.sv
lane_decoder.sv
lane_encoder.sv
lfsr.sv
marker_build.sv
marker_lock.sv
param_assert.sv
perm_net.sv
perm_sw.sv
port_count.sv
port_count_node.sv
port_tree.sv
port_tree_node.sv
rx_deserializer.sv
rx_port.sv
scrambler.sv
sort_cx.sv
sort_net.sv
tessera_rx.sv
tessera_tx.sv
tx_serializer.sv
