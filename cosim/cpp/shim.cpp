// tessera-cosim C++ shim: see shim.h.
#include "tessera-cosim/cpp/shim.h"

#include <stdexcept>
#include <vector>

#include "tessera-cosim/src/ffi.rs.h"

namespace tessera {

// Throws the recorded $fatal / $stop / $finish of a model as a C++ exception (cxx turns it
// into a Rust error).
static void throw_if_finished(bool finished) {
  if (finished) {
    std::string msg = take_rtl_error();
    throw std::runtime_error(msg.empty() ? std::string("RTL called $finish") : msg);
  }
}

void TxDut::check() const { throw_if_finished(m_->got_finish()); }

void TxDut::set_reset(bool rst_n, bool map_rst_n) {
  m_->set_reset(rst_n, map_rst_n);
  m_->eval();
  check();
}

void TxDut::set_host(bool valid, rust::Slice<const uint32_t> data) {
  if (data.size() != m_->data_words()) {
    throw std::invalid_argument("tx_data_i takes " + std::to_string(m_->data_words()) +
                                " words, got " + std::to_string(data.size()));
  }
  m_->set_host(valid, data.data(), data.size());
}

void TxDut::set_map_write(bool wr, uint16_t channel, uint16_t lane, bool failed) {
  m_->set_map_write(wr, channel, lane, failed);
}

void TxDut::eval() {
  m_->eval();
  check();
}

void TxDut::tick() {
  m_->edge(true);
  check();
  m_->edge(false);
  check();
}

bool TxDut::ready() const { return m_->ready(); }

void TxDut::serial(rust::Slice<uint32_t> out) const {
  if (out.size() != m_->serial_words()) {
    throw std::invalid_argument("tx_serial_o fills " + std::to_string(m_->serial_words()) +
                                " words, got " + std::to_string(out.size()));
  }
  m_->serial(out.data(), out.size());
}

size_t TxDut::data_words() const { return m_->data_words(); }
size_t TxDut::serial_words() const { return m_->serial_words(); }

void TxDut::open_trace(rust::Str path) { m_->open_trace(std::string(path)); }

std::unique_ptr<TxDut> new_tx_dut(rust::Str config) {
  std::unique_ptr<TxModel> m = make_tx_model(std::string(config));
  if (!m) throw std::invalid_argument("no TX build named '" + std::string(config) + "'");
  return std::make_unique<TxDut>(std::move(m));
}

void RxDut::check() const { throw_if_finished(m_->got_finish()); }

void RxDut::set_reset(bool rst_n) {
  m_->set_reset(rst_n);
  m_->eval();
  check();
}

void RxDut::set_serial(rust::Slice<const uint32_t> data) {
  if (data.size() != m_->serial_words()) {
    throw std::invalid_argument("rx_serial_i takes " + std::to_string(m_->serial_words()) +
                                " words, got " + std::to_string(data.size()));
  }
  m_->set_serial(data.data(), data.size());
}

void RxDut::eval() {
  m_->eval();
  check();
}

void RxDut::tick() {
  m_->edge(true);
  check();
  m_->edge(false);
  check();
}

static RxOutput rx_output(uint8_t which) {
  if (which >= static_cast<uint8_t>(RxOutput::kCount)) {
    throw std::invalid_argument("no tessera_rx output number " + std::to_string(which));
  }
  return static_cast<RxOutput>(which);
}

void RxDut::output(uint8_t which, rust::Slice<uint32_t> out) const {
  RxOutput w = rx_output(which);
  if (out.size() != m_->output_words(w)) {
    throw std::invalid_argument("tessera_rx output " + std::to_string(which) + " fills " +
                                std::to_string(m_->output_words(w)) + " words, got " +
                                std::to_string(out.size()));
  }
  m_->output(w, out.data(), out.size());
}

size_t RxDut::output_words(uint8_t which) const { return m_->output_words(rx_output(which)); }
size_t RxDut::serial_words() const { return m_->serial_words(); }

void RxDut::open_trace(rust::Str path) { m_->open_trace(std::string(path)); }

std::unique_ptr<RxDut> new_rx_dut(rust::Str config) {
  std::unique_ptr<RxModel> m = make_rx_model(std::string(config));
  if (!m) throw std::invalid_argument("no RX build named '" + std::string(config) + "'");
  return std::make_unique<RxDut>(std::move(m));
}

uint64_t native_tx_loop(rust::Str config, uint32_t channels, rust::Slice<const uint8_t> valid,
                       rust::Slice<const uint32_t> data) {
  std::unique_ptr<TxModel> m = make_tx_model(std::string(config));
  if (!m) throw std::invalid_argument("no TX build named '" + std::string(config) + "'");
  const size_t words = m->data_words();
  const uint32_t lanes = static_cast<uint32_t>(words / 2);
  if (data.size() != valid.size() * words) {
    throw std::invalid_argument("native_tx_loop: data has " + std::to_string(data.size()) + " words, " +
                                std::to_string(valid.size() * words) + " needed");
  }
  std::vector<uint32_t> zeros(words, 0), out(m->serial_words(), 0);
  // Reset: 4 clocks, then the identity lane map written while rst_ni is low.
  m->set_reset(false, false);
  m->set_host(false, zeros.data(), words);
  m->set_map_write(false, 0, 0, false);
  m->eval();
  for (int i = 0; i < 4; ++i) {
    m->edge(true);
    m->edge(false);
  }
  m->set_reset(false, true);
  m->eval();
  for (uint32_t c = 0; c < channels; ++c) {
    m->set_map_write(true, static_cast<uint16_t>(c), c < lanes ? static_cast<uint16_t>(c) : 0xffff, false);
    m->edge(true);
    m->edge(false);
  }
  m->set_map_write(false, 0, 0, false);
  m->set_reset(true, true);
  m->eval();
  uint64_t sum = 0;
  for (size_t c = 0; c < valid.size(); ++c) {
    m->set_host(valid[c] != 0, data.data() + c * words, words);
    m->eval();
    m->serial(out.data(), out.size());
    for (size_t i = 0; i < out.size(); ++i) sum ^= static_cast<uint64_t>(out[i]) << ((i & 1) * 32);
    m->edge(true);
    m->edge(false);
  }
  return sum;
}

}  // namespace tessera
