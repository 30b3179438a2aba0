//! A DUT library loaded with `libloading`, and [`Instance`]: one model instance in it.
//!
//! Every symbol of the shim's ABI ([`crate::shim`]) is looked up once, when the library is
//! loaded; a call per clock is then one indirect call, never a `dlsym`. A library is
//! `Send + Sync` (it holds no instance state); an [`Instance`] is neither `Send` nor `Sync`
//! (a Verilated model is not thread-safe).

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::Path;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::port_table::{Dir, Port};
use crate::shim::SHIM_VERSION;
use crate::DutError;

type FnNew = unsafe extern "C" fn() -> *mut c_void;
type FnFree = unsafe extern "C" fn(*mut c_void);
type FnPlan = unsafe extern "C" fn(*mut c_void, *const u32, u32, *const u32, u32) -> c_int;
type FnClock = unsafe extern "C" fn(*mut c_void, *const u32, *mut u32, c_int) -> c_int;
type FnClocks = unsafe extern "C" fn(*mut c_void, u64, *const u32, u32, *mut u64) -> c_int;
type FnPort = unsafe extern "C" fn(*mut c_void, u32, *mut u32) -> c_int;
type FnSet = unsafe extern "C" fn(*mut c_void, u32, *const u32) -> c_int;
type FnEval = unsafe extern "C" fn(*mut c_void) -> c_int;
type FnTrace = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
type FnError = unsafe extern "C" fn(*mut c_void) -> *const c_char;

struct Fns {
    new: FnNew,
    free: FnFree,
    plan: FnPlan,
    clock: FnClock,
    clocks: FnClocks,
    set: FnSet,
    get: FnPort,
    eval: FnEval,
    trace: FnTrace,
    error: FnError,
}

/// A loaded DUT library and its port table.
pub struct Library {
    fns: Fns,
    ports: Vec<Port>,
    // Keeps the code mapped; dropped last.
    _lib: libloading::Library,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("ports", &self.ports.len()).finish()
    }
}

impl Library {
    /// Loads the library at `path` and reads its port table.
    pub fn load(path: &Path) -> Result<Arc<Library>, DutError> {
        let fail = |e: String| DutError::Load(format!("{}: {e}", path.display()));
        // SAFETY: the library is one Tessera built with its own shim; loading runs only the
        // static constructors of the Verilator runtime and the model.
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| fail(e.to_string()))?;
        // SAFETY: each symbol has the type of the shim's ABI of this version (checked first).
        unsafe {
            let version: libloading::Symbol<unsafe extern "C" fn() -> u32> =
                lib.get(b"tessera_shim_version").map_err(|e| fail(e.to_string()))?;
            let v = version();
            if v != SHIM_VERSION {
                return Err(fail(format!("shim ABI {v}, this Tessera speaks {SHIM_VERSION}")));
            }
            macro_rules! sym {
                ($name:literal) => {
                    *lib.get($name).map_err(|e| fail(e.to_string()))?
                };
            }
            let count: unsafe extern "C" fn() -> u32 = sym!(b"tessera_port_count");
            let name: unsafe extern "C" fn(u32) -> *const c_char = sym!(b"tessera_port_name");
            let dir: unsafe extern "C" fn(u32) -> u32 = sym!(b"tessera_port_dir");
            let width: unsafe extern "C" fn(u32) -> u32 = sym!(b"tessera_port_width");
            let mut ports = Vec::new();
            for i in 0..count() {
                let n = name(i);
                if n.is_null() {
                    return Err(fail(format!("port {i} has no name")));
                }
                let w = width(i);
                ports.push(Port {
                    name: CStr::from_ptr(n).to_string_lossy().into_owned(),
                    dir: match dir(i) {
                        0 => Dir::In,
                        1 => Dir::Out,
                        _ => Dir::InOut,
                    },
                    msb: w.saturating_sub(1),
                    lsb: 0,
                    words: w.div_ceil(32),
                });
            }
            let fns = Fns {
                new: sym!(b"tessera_new"),
                free: sym!(b"tessera_free"),
                plan: sym!(b"tessera_plan"),
                clock: sym!(b"tessera_clock"),
                clocks: sym!(b"tessera_clocks"),
                set: sym!(b"tessera_set"),
                get: sym!(b"tessera_get"),
                eval: sym!(b"tessera_eval"),
                trace: sym!(b"tessera_trace"),
                error: sym!(b"tessera_error"),
            };
            Ok(Arc::new(Library { fns, ports, _lib: lib }))
        }
    }

    /// The ports.
    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    /// Index of a port by name.
    pub fn port(&self, name: &str) -> Option<u32> {
        self.ports.iter().position(|p| p.name == name).map(|i| i as u32)
    }
}

/// One instance of the model in a [`Library`].
pub struct Instance {
    lib: Arc<Library>,
    h: NonNull<c_void>,
    in_words: usize,
    out_words: usize,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Instance {
    /// A new instance, clock low.
    pub fn new(lib: &Arc<Library>) -> Result<Instance, DutError> {
        // SAFETY: the ABI's constructor; null on failure.
        let h = unsafe { (lib.fns.new)() };
        let h = NonNull::new(h).ok_or_else(|| DutError::Rtl("the model could not be created".into()))?;
        Ok(Instance {
            lib: Arc::clone(lib),
            h,
            in_words: 0,
            out_words: 0,
            _not_send: std::marker::PhantomData,
        })
    }

    fn check(&self, rc: c_int) -> Result<(), DutError> {
        if rc == 0 {
            return Ok(());
        }
        // SAFETY: the handle is live; the message is a C string owned by it.
        let msg = unsafe { CStr::from_ptr((self.lib.fns.error)(self.h.as_ptr())) };
        Err(DutError::Rtl(msg.to_string_lossy().into_owned()))
    }

    /// Words of a port.
    pub fn words(&self, port: u32) -> usize {
        self.lib.ports.get(port as usize).map_or(0, |p| p.words as usize)
    }

    /// The inputs and outputs each [`Instance::clock`] moves, in frame order.
    pub fn plan(&mut self, inputs: &[u32], outputs: &[u32]) -> Result<(), DutError> {
        self.in_words = inputs.iter().map(|&p| self.words(p)).sum();
        self.out_words = outputs.iter().map(|&p| self.words(p)).sum();
        // SAFETY: live handle; the slices are valid for their lengths.
        let rc = unsafe {
            (self.lib.fns.plan)(
                self.h.as_ptr(),
                inputs.as_ptr(),
                inputs.len() as u32,
                outputs.as_ptr(),
                outputs.len() as u32,
            )
        };
        self.check(rc)
    }

    /// One clock: the planned inputs from `input`, evaluate, the planned outputs into
    /// `output`, then (with `edge`) a rising and a falling edge.
    pub fn clock(&mut self, input: &[u32], output: &mut [u32], edge: bool) -> Result<(), DutError> {
        if input.len() != self.in_words || output.len() != self.out_words {
            return Err(DutError::Rtl(format!(
                "frame of {} / {} words, the plan takes {} / {}",
                input.len(),
                output.len(),
                self.in_words,
                self.out_words
            )));
        }
        // SAFETY: the frame lengths match the plan (checked above).
        let rc = unsafe {
            (self.lib.fns.clock)(self.h.as_ptr(), input.as_ptr(), output.as_mut_ptr(), c_int::from(edge))
        };
        self.check(rc)
    }

    /// `frames.len() / frame_words` clocks in C++, as [`Instance::clock`] with an edge
    /// drives each; returns an XOR of the outputs read (the benchmarks' baseline).
    pub fn clocks_native(&mut self, frames: &[u32]) -> Result<u64, DutError> {
        let fw = self.in_words.max(1);
        if !frames.len().is_multiple_of(fw) || self.in_words == 0 {
            return Err(DutError::Rtl(format!(
                "{} words are not whole frames of {}",
                frames.len(),
                self.in_words
            )));
        }
        let mut acc = 0u64;
        // SAFETY: `frames` holds whole frames of the plan's input words.
        let rc = unsafe {
            (self.lib.fns.clocks)(
                self.h.as_ptr(),
                (frames.len() / fw) as u64,
                frames.as_ptr(),
                fw as u32,
                &mut acc,
            )
        };
        self.check(rc).map(|()| acc)
    }

    /// Sets one input.
    pub fn set(&mut self, port: u32, words: &[u32]) -> Result<(), DutError> {
        if words.len() != self.words(port) {
            return Err(DutError::Rtl(format!(
                "port {port} takes {} words, got {}",
                self.words(port),
                words.len()
            )));
        }
        // SAFETY: the length matches the port (checked above).
        let rc = unsafe { (self.lib.fns.set)(self.h.as_ptr(), port, words.as_ptr()) };
        self.check(rc)
    }

    /// Reads one port into `out` (its word count).
    pub fn get(&self, port: u32, out: &mut [u32]) -> Result<(), DutError> {
        if out.len() != self.words(port) {
            return Err(DutError::Rtl(format!(
                "port {port} has {} words, got room for {}",
                self.words(port),
                out.len()
            )));
        }
        // SAFETY: the length matches the port (checked above).
        let rc = unsafe { (self.lib.fns.get)(self.h.as_ptr(), port, out.as_mut_ptr()) };
        self.check(rc)
    }

    /// Evaluates with the inputs as set.
    pub fn eval(&mut self) -> Result<(), DutError> {
        // SAFETY: live handle.
        let rc = unsafe { (self.lib.fns.eval)(self.h.as_ptr()) };
        self.check(rc)
    }

    /// FST waveform of everything from now on.
    pub fn trace_to(&mut self, path: &Path) -> Result<(), DutError> {
        let c = CString::new(path.to_string_lossy().as_bytes())
            .map_err(|_| DutError::Rtl(format!("trace path {} holds a NUL", path.display())))?;
        // SAFETY: live handle, NUL-terminated path.
        let rc = unsafe { (self.lib.fns.trace)(self.h.as_ptr(), c.as_ptr()) };
        self.check(rc)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: the handle came from `new` and is freed once.
        unsafe { (self.lib.fns.free)(self.h.as_ptr()) }
    }
}
