//! `.f` file lists, the Verilator / VCS `-f` convention, expanded before the build so that
//! the cache key can hash every file they name.
//!
//! One or more arguments per line, separated by white space; `//` and `#` start a comment
//! that runs to the end of the line. Recognised:
//!
//! * a source file (any argument not starting with `-` or `+`);
//! * `+incdir+DIR[+DIR...]`, `-IDIR`, `-I DIR`: include directories;
//! * `+define+NAME[=VALUE][+...]`, `-DNAME[=VALUE]`: defines;
//! * `-f FILE`, `-F FILE`: a nested list;
//! * `-v FILE`: a library file (read as a source);
//! * `-y DIR`: a library directory (passed to Verilator; its files are hashed like an
//!   include directory's);
//! * any other `-…` / `+…` argument is handed to Verilator as it is.
//!
//! `$VAR` and `${VAR}` are replaced by the environment's value. Relative paths are taken
//! from the folder of the list that names them (as Verilator's `-F` does), so a list keeps
//! working wherever Tessera is run from. Every error names the list and the line.

use std::path::{Path, PathBuf};

/// What a list (and the lists it names) expands to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// Source files, in order.
    pub files: Vec<PathBuf>,
    /// Include directories (and `-y` library directories, which are hashed the same way).
    pub include_dirs: Vec<PathBuf>,
    /// Library directories (`-y`).
    pub library_dirs: Vec<PathBuf>,
    /// Defines: name and optional value.
    pub defines: Vec<(String, Option<String>)>,
    /// Other arguments, for Verilator as they are.
    pub flags: Vec<String>,
}

/// A problem in a file list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct FileListError {
    /// The list.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Nesting deeper than this is taken for a loop.
const MAX_DEPTH: usize = 16;

/// Expands the list at `path` into `out`.
pub fn expand(path: &Path, out: &mut Expanded) -> Result<(), FileListError> {
    expand_at(path, out, 0, None)
}

fn expand_at(
    path: &Path,
    out: &mut Expanded,
    depth: usize,
    from: Option<(&Path, usize)>,
) -> Result<(), FileListError> {
    let text = std::fs::read_to_string(path).map_err(|e| match from {
        Some((f, line)) => FileListError {
            file: f.to_path_buf(),
            line,
            message: format!("cannot read the file list {}: {e}", path.display()),
        },
        None => FileListError { file: path.to_path_buf(), line: 0, message: format!("cannot read it: {e}") },
    })?;
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let err = |line: usize, message: String| FileListError { file: path.to_path_buf(), line, message };
    let mut args: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = strip_comment(raw);
        for a in line.split_whitespace() {
            args.push((i + 1, substitute(a).map_err(|m| err(i + 1, m))?));
        }
    }
    let resolve = |p: &str| -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };
    let mut it = args.into_iter();
    while let Some((line, a)) = it.next() {
        let mut operand = |flag: &str| -> Result<String, FileListError> {
            it.next().map(|(_, v)| v).ok_or_else(|| err(line, format!("{flag} needs an argument")))
        };
        if let Some(rest) = a.strip_prefix("+incdir+") {
            out.include_dirs.extend(rest.split('+').filter(|d| !d.is_empty()).map(resolve));
        } else if let Some(rest) = a.strip_prefix("+define+") {
            out.defines.extend(rest.split('+').filter(|d| !d.is_empty()).map(define));
        } else if a == "-I" {
            let d = operand("-I")?;
            out.include_dirs.push(resolve(&d));
        } else if let Some(d) = a.strip_prefix("-I") {
            out.include_dirs.push(resolve(d));
        } else if let Some(d) = a.strip_prefix("-D") {
            out.defines.push(define(d));
        } else if a == "-f" || a == "-F" {
            let f = operand(&a)?;
            if depth >= MAX_DEPTH {
                return Err(err(line, format!("file lists nested more than {MAX_DEPTH} deep (a loop?)")));
            }
            expand_at(&resolve(&f), out, depth + 1, Some((path, line)))?;
        } else if a == "-v" {
            let f = operand("-v")?;
            out.files.push(resolve(&f));
        } else if a == "-y" {
            let d = resolve(&operand("-y")?);
            out.library_dirs.push(d.clone());
            out.include_dirs.push(d);
        } else if a.starts_with('-') || a.starts_with('+') {
            out.flags.push(a);
        } else {
            let f = resolve(&a);
            if !f.is_file() {
                return Err(err(line, format!("source file {} does not exist", f.display())));
            }
            out.files.push(f);
        }
    }
    Ok(())
}

fn strip_comment(line: &str) -> &str {
    let cut = [line.find("//"), line.find('#')].into_iter().flatten().min();
    match cut {
        Some(i) => &line[..i],
        None => line,
    }
}

fn define(d: &str) -> (String, Option<String>) {
    match d.split_once('=') {
        Some((n, v)) => (n.to_string(), Some(v.to_string())),
        None => (d.to_string(), None),
    }
}

/// `$VAR` / `${VAR}` from the environment.
fn substitute(a: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = a;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, next) = if let Some(b) = after.strip_prefix('{') {
            let end = b.find('}').ok_or_else(|| format!("unclosed ${{ in '{a}'"))?;
            (&b[..end], &b[end + 1..])
        } else {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if name.is_empty() {
            return Err(format!("'$' without a variable name in '{a}'"));
        }
        let value =
            std::env::var(name).map_err(|_| format!("environment variable {name} (in '{a}') is not set"))?;
        out.push_str(&value);
        rest = next;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_files_dirs_defines_and_nested_lists_relative_to_each_list() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("sub/inc")).unwrap();
        std::fs::write(d.join("a.sv"), "").unwrap();
        std::fs::write(d.join("sub/b.sv"), "").unwrap();
        std::fs::write(
            d.join("top.f"),
            "a.sv // the first\n+incdir+inc+inc2 -DX=1\n-f sub/more.f # nested\n-Wno-WIDTH\n",
        )
        .unwrap();
        std::fs::write(d.join("sub/more.f"), "b.sv\n-I inc\n+define+Y+Z=3\n").unwrap();
        let mut e = Expanded::default();
        expand(&d.join("top.f"), &mut e).unwrap();
        assert_eq!(e.files, [d.join("a.sv"), d.join("sub/more.f").parent().unwrap().join("b.sv")]);
        assert_eq!(e.include_dirs, [d.join("inc"), d.join("inc2"), d.join("sub/inc")]);
        assert_eq!(
            e.defines,
            [("X".into(), Some("1".into())), ("Y".into(), None), ("Z".into(), Some("3".into()))]
        );
        assert_eq!(e.flags, ["-Wno-WIDTH"]);
    }

    #[test]
    fn errors_name_the_list_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("l.f"), "\n\nmissing.sv\n").unwrap();
        let e = expand(&d.join("l.f"), &mut Expanded::default()).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.to_string().contains("l.f:3: source file") && e.to_string().contains("missing.sv"), "{e}");
        std::fs::write(d.join("loop.f"), "-f loop.f\n").unwrap();
        let e = expand(&d.join("loop.f"), &mut Expanded::default()).unwrap_err();
        assert!(e.message.contains("nested more than"), "{e}");
        std::fs::write(d.join("env.f"), "${TESSERA_SURELY_UNSET_VAR}/a.sv\n").unwrap();
        let e = expand(&d.join("env.f"), &mut Expanded::default()).unwrap_err();
        assert!(e.to_string().contains("env.f:1: environment variable TESSERA_SURELY_UNSET_VAR"), "{e}");
        std::fs::write(d.join("dangling.f"), "-f\n").unwrap();
        let e = expand(&d.join("dangling.f"), &mut Expanded::default()).unwrap_err();
        assert_eq!(e.to_string(), format!("{}:1: -f needs an argument", d.join("dangling.f").display()));
    }
}
