//! The C ABI driven from Rust, with a stand-in for the simulator's open-array functions
//! (`svGetArrayPtr`, `svSize`; a simulator provides them): null handles, bad
//! configurations, wrong array sizes and mismatches come back as return codes and
//! messages, never as a panic.

use std::ffi::{c_int, c_void, CStr, CString};

use tessera_dpi::ffi::*;

/// An open array as this stand-in simulator passes it.
#[repr(C)]
struct OpenArray {
    ptr: *mut u32,
    len: c_int,
}

#[no_mangle]
extern "C" fn svGetArrayPtr(h: svOpenArrayHandle) -> *mut c_void {
    unsafe { (*(h as *const OpenArray)).ptr as *mut c_void }
}

#[no_mangle]
extern "C" fn svSize(h: svOpenArrayHandle, _d: c_int) -> c_int {
    unsafe { (*(h as *const OpenArray)).len }
}

fn arr(v: &mut [u32]) -> OpenArray {
    OpenArray { ptr: v.as_mut_ptr(), len: v.len() as c_int }
}

fn h(a: &OpenArray) -> svOpenArrayHandle {
    a as *const OpenArray as svOpenArrayHandle
}

fn text(p: *const std::ffi::c_char) -> String {
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

#[test]
fn errors_are_return_codes_and_messages() {
    unsafe {
        let bad = CString::new("lanes: 4\nspares: two\n").unwrap();
        assert!(tessera_new(bad.as_ptr()).is_null());
        let e = text(tessera_create_error());
        assert!(e.starts_with("tessera_new: config:2:9:"), "{e}");
        assert!(tessera_new(std::ptr::null()).is_null());
        assert!(text(tessera_create_error()).contains("null"));

        let cfg =
            CString::new("lanes: 2\nspares: 1\nam_period: 16\nmax_skew_bits: 200\nser_w: 22\nseed: 5\n")
                .unwrap();
        let m = tessera_new(cfg.as_ptr());
        assert!(!m.is_null(), "{}", text(tessera_create_error()));
        let m2 = tessera_new(cfg.as_ptr());
        assert!(!m2.is_null());

        // Null handle: -1, no crash.
        let mut d = [0u32; 4];
        let a = arr(&mut d);
        assert_eq!(tessera_host_clock(std::ptr::null_mut(), h(&a)), -1);

        // data: 2 lanes = 128 bits = 4 words; serial: 22 x 3 = 66 bits = 3 words.
        let mut data = [0u32; 4];
        let mut serial = [0u32; 3];
        let (da, sa) = (arr(&mut data), arr(&mut serial));
        for _ in 0..3 {
            let valid = tessera_host_clock(m, h(&da));
            assert!(valid == 0 || valid == 1);
            let ready = tessera_tx_clock(m, valid as u8, h(&da), h(&sa));
            assert!(ready == 0 || ready == 1, "{}", text(tessera_last_error(m)));
        }
        let ready = tessera_tx_clock(m2, 0, h(&da), h(&sa));
        assert!(ready >= 0);
        // The model's own words pass its check on instance m ...
        let mut exp = [0u32; 3];
        let ea = arr(&mut exp);
        let r = tessera_tx_clock(m, 0, h(&da), h(&ea));
        assert_eq!(tessera_tx_check(m, r as u8, h(&ea)), 0, "{}", text(tessera_last_error(m)));
        // ... a flipped bit is a mismatch with clock, channel, expected, actual.
        let mut ser2 = [*ea.ptr, *ea.ptr.add(1), *ea.ptr.add(2)];
        ser2[1] ^= 1 << 2; // bit 34: channel 1
        let sa2 = arr(&mut ser2);
        assert_eq!(tessera_tx_check(m, r as u8, h(&sa2)), 1);
        let e = text(tessera_last_error(m));
        assert!(e.starts_with("clock 3: tx_serial_o channel 1: expected 0x"), "{e}");

        // A short array and a set bit beyond the bus: -1, the message names the argument.
        let mut short = [0u32; 2];
        let sh = arr(&mut short);
        assert_eq!(tessera_tx_check(m, 0, h(&sh)), -1);
        let e = text(tessera_last_error(m));
        assert!(e.contains("tx_serial_o: 2 words given, the bus is 66 bits = 3 words"), "{e}");
        let mut over = [0u32, 0, 0x4, 0];
        let ov = arr(&mut over);
        assert_eq!(tessera_tx_check(m, 0, h(&ov)), -1);
        assert!(text(tessera_last_error(m)).contains("bit 66 is set"), "{}", text(tessera_last_error(m)));
        let mut long = [0u32, 0, 0, 7];
        let lo = arr(&mut long);
        assert_eq!(tessera_tx_check(m, 0, h(&lo)), -1);
        assert!(text(tessera_last_error(m)).contains("word 3 is 0x7"), "{}", text(tessera_last_error(m)));

        assert_eq!(tessera_check_rtl(m, 2, 1, 16, 22, 200), 0);
        assert_eq!(tessera_check_rtl(m, 2, 1, 16, 11, 200), -1);
        assert!(text(tessera_last_error(m)).contains("SER_W = 11"));
        assert_eq!(tessera_tx_map_entry(m, 2), 0xffff, "channel 2 is the spare");
        assert_eq!(tessera_tx_map_entry(m, 3), -1);
        tessera_free(m);
        tessera_free(m2);
        tessera_free(std::ptr::null_mut());
    }
}
