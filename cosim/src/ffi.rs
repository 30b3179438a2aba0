//! The cxx bridge to the C++ shim (`cpp/shim.h`). Private: use [`crate::TxDut`] and [`crate::RxDut`].

#[cxx::bridge(namespace = "tessera")]
pub(crate) mod bridge {
    unsafe extern "C++" {
        include!("tessera-cosim/cpp/shim.h");

        type TxDut;

        fn new_tx_dut(config: &str) -> Result<UniquePtr<TxDut>>;
        fn set_reset(self: Pin<&mut TxDut>, rst_n: bool, map_rst_n: bool) -> Result<()>;
        fn set_host(self: Pin<&mut TxDut>, valid: bool, data: &[u32]) -> Result<()>;
        fn set_map_write(self: Pin<&mut TxDut>, wr: bool, channel: u16, lane: u16, failed: bool);
        fn eval(self: Pin<&mut TxDut>) -> Result<()>;
        fn tick(self: Pin<&mut TxDut>) -> Result<()>;
        fn ready(self: &TxDut) -> bool;
        fn serial(self: &TxDut, out: &mut [u32]) -> Result<()>;
        fn data_words(self: &TxDut) -> usize;
        fn serial_words(self: &TxDut) -> usize;
        fn open_trace(self: Pin<&mut TxDut>, path: &str);

        fn native_tx_loop(config: &str, channels: u32, valid: &[u8], data: &[u32]) -> Result<u64>;

        type RxDut;

        fn new_rx_dut(config: &str) -> Result<UniquePtr<RxDut>>;
        fn set_reset(self: Pin<&mut RxDut>, rst_n: bool) -> Result<()>;
        fn set_serial(self: Pin<&mut RxDut>, data: &[u32]) -> Result<()>;
        fn eval(self: Pin<&mut RxDut>) -> Result<()>;
        fn tick(self: Pin<&mut RxDut>) -> Result<()>;
        fn output(self: &RxDut, which: u8, out: &mut [u32]) -> Result<()>;
        fn output_words(self: &RxDut, which: u8) -> Result<usize>;
        fn serial_words(self: &RxDut) -> usize;
        fn open_trace(self: Pin<&mut RxDut>, path: &str);
    }
}
