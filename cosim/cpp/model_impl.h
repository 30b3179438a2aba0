// tessera-cosim: the templates that adapt one Verilated TX prefix to TxModel and one RX
// prefix to RxModel. Included by
// the configs.cpp that build.rs generates, once per configuration.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera-cosim/cpp/shim.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace tessera {

// Buses: Verilator holds <= 8, 16, 32 and 64-bit ports as integers and wider ones as
// VlWide<N> arrays of 32-bit words, word 0 = bits [31:0].
inline size_t words_of(const CData&) { return 1; }
inline size_t words_of(const SData&) { return 1; }
inline size_t words_of(const IData&) { return 1; }
inline size_t words_of(const QData&) { return 2; }
template <std::size_t N>
inline size_t words_of(const VlWide<N>&) { return N; }

inline void put(CData& d, const uint32_t* w, size_t) { d = static_cast<CData>(w[0]); }
inline void put(SData& d, const uint32_t* w, size_t) { d = static_cast<SData>(w[0]); }
inline void put(IData& d, const uint32_t* w, size_t) { d = w[0]; }
inline void put(QData& d, const uint32_t* w, size_t) { d = static_cast<QData>(w[0]) | (static_cast<QData>(w[1]) << 32); }
template <std::size_t N>
inline void put(VlWide<N>& d, const uint32_t* w, size_t) {
  for (std::size_t i = 0; i < N; ++i) d[i] = w[i];
}

inline void get(const CData& s, uint32_t* w, size_t) { w[0] = s; }
inline void get(const SData& s, uint32_t* w, size_t) { w[0] = s; }
inline void get(const IData& s, uint32_t* w, size_t) { w[0] = s; }
inline void get(const QData& s, uint32_t* w, size_t) {
  w[0] = static_cast<uint32_t>(s);
  w[1] = static_cast<uint32_t>(s >> 32);
}
template <std::size_t N>
inline void get(const VlWide<N>& s, uint32_t* w, size_t) {
  for (std::size_t i = 0; i < N; ++i) w[i] = s[i];
}

// What every adapter holds: a VerilatedContext of its own, the Verilated model and an
// optional FST trace; the clock edge and the trace are the same for every top.
template <class M>
class VerilatedTop {
 protected:
  explicit VerilatedTop(const char* name) : ctx_(new VerilatedContext) {
    ctx_->fatalOnError(false);
    ctx_->traceEverOn(true);
    m_.reset(new M(ctx_.get(), name));
    m_->clk_i = 0;
    m_->rst_ni = 0;
  }
  ~VerilatedTop() {
    if (trace_) trace_->close();
    m_->final();
  }
  void clock_edge(bool clk) {
    m_->clk_i = clk;
    m_->eval();
    ctx_->timeInc(1);
    if (trace_) trace_->dump(ctx_->time());
  }
  void start_trace(const std::string& path) {
    trace_.reset(new VerilatedFstC);
    m_->trace(trace_.get(), 99);
    trace_->open(path.c_str());
    trace_->dump(ctx_->time());
  }
  bool finished() const { return ctx_->gotFinish(); }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<M> m_;
  std::unique_ptr<VerilatedFstC> trace_;
};

template <class M>
class TxModelImpl final : public TxModel, private VerilatedTop<M> {
  using VerilatedTop<M>::m_;

 public:
  TxModelImpl() : VerilatedTop<M>("tx") {
    m_->map_rst_ni = 0;
    m_->eval();
  }
  void set_reset(bool rst_n, bool map_rst_n) override {
    m_->rst_ni = rst_n;
    m_->map_rst_ni = map_rst_n;
  }
  void set_host(bool valid, const uint32_t* data, size_t words) override {
    m_->tx_valid_i = valid;
    put(m_->tx_data_i, data, words);
  }
  void set_map_write(bool wr, uint16_t channel, uint16_t lane, bool failed) override {
    m_->map_wr_i = wr;
    m_->map_channel_i = channel;
    m_->map_lane_i = lane;
    m_->map_failed_i = failed;
  }
  void eval() override { m_->eval(); }
  void edge(bool clk) override { this->clock_edge(clk); }
  bool ready() const override { return m_->tx_ready_o; }
  void serial(uint32_t* out, size_t words) const override { get(m_->tx_serial_o, out, words); }
  size_t data_words() const override { return words_of(m_->tx_data_i); }
  size_t serial_words() const override { return words_of(m_->tx_serial_o); }
  void open_trace(const std::string& path) override { this->start_trace(path); }
  bool got_finish() const override { return this->finished(); }
};

template <class M>
class RxModelImpl final : public RxModel, private VerilatedTop<M> {
  using VerilatedTop<M>::m_;

 public:
  RxModelImpl() : VerilatedTop<M>("rx") { m_->eval(); }
  void set_reset(bool rst_n) override { m_->rst_ni = rst_n; }
  void set_serial(const uint32_t* data, size_t words) override { put(m_->rx_serial_i, data, words); }
  void eval() override { m_->eval(); }
  void edge(bool clk) override { this->clock_edge(clk); }
  // Calls f with the port numbered `which`.
  template <class F>
  void with_port(RxOutput which, F f) const {
    switch (which) {
      case RxOutput::kValid: f(m_->rx_valid_o); break;
      case RxOutput::kData: f(m_->rx_data_o); break;
      case RxOutput::kAligned: f(m_->rx_aligned_o); break;
      case RxOutput::kBlockLock: f(m_->port_block_lock_o); break;
      case RxOutput::kMarkerLock: f(m_->port_marker_lock_o); break;
      case RxOutput::kLane: f(m_->port_lane_o); break;
      case RxOutput::kBipErrors: f(m_->port_bip_errors_o); break;
      case RxOutput::kInLink: f(m_->port_in_link_o); break;
      case RxOutput::kSkew: f(m_->port_skew_o); break;
      case RxOutput::kSlips: f(m_->port_slips_o); break;
      case RxOutput::kBlockLockLosses: f(m_->port_block_lock_losses_o); break;
      case RxOutput::kMarkerLockLosses: f(m_->port_marker_lock_losses_o); break;
      case RxOutput::kInvalidHeaders: f(m_->port_invalid_headers_o); break;
      case RxOutput::kBits: f(m_->port_bits_o); break;
      case RxOutput::kFormed: f(m_->formed_o); break;
      case RxOutput::kStripesOut: f(m_->stripes_out_o); break;
      case RxOutput::kStripesLost: f(m_->stripes_lost_o); break;
      case RxOutput::kIdleSlots: f(m_->idle_slots_o); break;
      case RxOutput::kUnreadableSlots: f(m_->unreadable_slots_o); break;
      case RxOutput::kFormations: f(m_->formations_o); break;
      case RxOutput::kJoins: f(m_->joins_o); break;
      case RxOutput::kSkewFault: f(m_->skew_fault_o); break;
      case RxOutput::kSkewFaultSpread: f(m_->skew_fault_spread_o); break;
      case RxOutput::kSkewFaultEarly: f(m_->skew_fault_early_o); break;
      case RxOutput::kSkewFaultLate: f(m_->skew_fault_late_o); break;
      case RxOutput::kDupLane: f(m_->dup_lane_o); break;
      case RxOutput::kDupLaneLane: f(m_->dup_lane_lane_o); break;
      case RxOutput::kDupLaneKept: f(m_->dup_lane_kept_o); break;
      case RxOutput::kDupLaneRefused: f(m_->dup_lane_refused_o); break;
      case RxOutput::kCount: break;
    }
  }
  void output(RxOutput which, uint32_t* out, size_t words) const override {
    with_port(which, [&](const auto& p) { get(p, out, words); });
  }
  size_t output_words(RxOutput which) const override {
    size_t n = 0;
    with_port(which, [&](const auto& p) { n = words_of(p); });
    return n;
  }
  size_t serial_words() const override { return words_of(m_->rx_serial_i); }
  void open_trace(const std::string& path) override { this->start_trace(path); }
  bool got_finish() const override { return this->finished(); }
};

}  // namespace tessera
