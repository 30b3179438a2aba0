// tessera-cosim C++ shim: one small wrapper class per top module (TxDut, RxDut), owning a VerilatedContext
// and the Verilated model, so that Rust drives whole buses per clock through cxx.
//
// Buses cross as slices of 32-bit words, word 0 holding bits [31:0] (Verilator's own layout
// for buses wider than 64 bits); unused high bits of the top word are written as zero.
// $fatal, $stop and $finish in the RTL do not end the process: they are recorded and the
// next call that evaluates the model throws, which cxx turns into a Rust error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rust/cxx.h"

namespace tessera {

// What every TX model instance offers; one template implementation per Verilated prefix.
class TxModel {
 public:
  virtual ~TxModel() = default;
  virtual void set_reset(bool rst_n, bool map_rst_n) = 0;
  virtual void set_host(bool valid, const uint32_t* data, size_t words) = 0;
  virtual void set_map_write(bool wr, uint16_t channel, uint16_t lane, bool failed) = 0;
  virtual void eval() = 0;
  virtual void edge(bool clk) = 0;
  virtual bool ready() const = 0;
  virtual void serial(uint32_t* out, size_t words) const = 0;
  virtual size_t data_words() const = 0;
  virtual size_t serial_words() const = 0;
  virtual void open_trace(const std::string& path) = 0;
  virtual bool got_finish() const = 0;
};

// The TX DUT as Rust sees it.
class TxDut {
 public:
  explicit TxDut(std::unique_ptr<TxModel> model) : m_(std::move(model)) {}
  // Sets the reset inputs (active low) and evaluates.
  void set_reset(bool rst_n, bool map_rst_n);
  // Sets the host inputs for the current clock.
  void set_host(bool valid, rust::Slice<const uint32_t> data);
  // Sets the lane-map write port for the current clock.
  void set_map_write(bool wr, uint16_t channel, uint16_t lane, bool failed);
  // Evaluates the combinational logic with the inputs set; outputs are then readable.
  void eval();
  // One rising edge then one falling edge of clk_i.
  void tick();
  bool ready() const;
  void serial(rust::Slice<uint32_t> out) const;
  size_t data_words() const;
  size_t serial_words() const;
  void open_trace(rust::Str path);

 private:
  void check() const;
  std::unique_ptr<TxModel> m_;
};

// A new TX DUT of the named configuration (see cosim/configs.rs); throws if unknown.
std::unique_ptr<TxDut> new_tx_dut(rust::Str config);

// The outputs of tessera_rx, by number. Keep in step with `RxOutput` in cosim/src/rx.rs.
enum class RxOutput : uint8_t {
  kValid = 0,
  kData,
  kAligned,
  kBlockLock,
  kMarkerLock,
  kLane,
  kBipErrors,
  kInLink,
  kSkew,
  kSlips,
  kBlockLockLosses,
  kMarkerLockLosses,
  kInvalidHeaders,
  kBits,
  kFormed,
  kStripesOut,
  kStripesLost,
  kIdleSlots,
  kUnreadableSlots,
  kFormations,
  kJoins,
  kSkewFault,
  kSkewFaultSpread,
  kSkewFaultEarly,
  kSkewFaultLate,
  kDupLane,
  kDupLaneLane,
  kDupLaneKept,
  kDupLaneRefused,
  kCount
};

// What every RX model instance offers; one template implementation per Verilated prefix.
class RxModel {
 public:
  virtual ~RxModel() = default;
  virtual void set_reset(bool rst_n) = 0;
  virtual void set_serial(const uint32_t* data, size_t words) = 0;
  virtual void eval() = 0;
  virtual void edge(bool clk) = 0;
  virtual void output(RxOutput which, uint32_t* out, size_t words) const = 0;
  virtual size_t output_words(RxOutput which) const = 0;
  virtual size_t serial_words() const = 0;
  virtual void open_trace(const std::string& path) = 0;
  virtual bool got_finish() const = 0;
};

// The RX DUT as Rust sees it.
class RxDut {
 public:
  explicit RxDut(std::unique_ptr<RxModel> model) : m_(std::move(model)) {}
  // Sets rst_ni (active low) and evaluates.
  void set_reset(bool rst_n);
  // Sets rx_serial_i for the current clock.
  void set_serial(rust::Slice<const uint32_t> data);
  void eval();
  void tick();
  // Reads output number `which` (RxOutput) into `out`, which must have output_words(which) words.
  void output(uint8_t which, rust::Slice<uint32_t> out) const;
  size_t output_words(uint8_t which) const;
  size_t serial_words() const;
  void open_trace(rust::Str path);

 private:
  void check() const;
  std::unique_ptr<RxModel> m_;
};

// A new RX DUT of the named configuration; throws if unknown.
std::unique_ptr<RxDut> new_rx_dut(rust::Str config);

// Filled by the generated configs.cpp.
std::unique_ptr<TxModel> make_tx_model(const std::string& config);
std::unique_ptr<RxModel> make_rx_model(const std::string& config);

// The baseline of the harness's speed (benches/cosim.rs): drives a TX model of `config`
// in a plain C++ loop exactly as TxDut does (reset, identity lane map written during
// reset for `channels` channels, then per clock: inputs, eval, read tx_serial_o, rising and falling edge) with
// clock c's stimulus valid[c] and data[c * W .. c * W + W] (W = the data bus's words).
// Returns an XOR of every serial word read, so that nothing is optimized away.
uint64_t native_tx_loop(rust::Str config, uint32_t channels, rust::Slice<const uint8_t> valid,
                       rust::Slice<const uint32_t> data);

// The last $fatal/$stop message recorded by the runtime hooks, and clears it.
std::string take_rtl_error();

}  // namespace tessera
