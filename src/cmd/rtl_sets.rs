//! `tessera gen --rtl-sets DIR`: regenerates the RTL bench sets of `rtl/tb/vectors/` from
//! their recipes, `DIR/sets.txt` (or `--recipes FILE`): one set a line, its folder name and
//! its `tessera gen` flags, plus `--repair <slot>:<channel_of>:<failed>` for a run-time
//! lane-map repair (`tessera_vectors::bench`). `#` starts a comment, a line ending in `\`
//! goes on on the next. Each set's folder is emptied and written again.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use tessera_vectors::bench::{bench_files, recipes, Repair};
use tessera_vectors::gen;

use super::vectors::{describe_outcome, flag_options, GenFlags};

/// One recipe: the flags of `tessera gen` (no `--out`, `--config` or `--golden`; the seed is
/// required so that the set is reproducible), and the repair.
#[derive(Parser, Debug)]
#[command(no_binary_name = true, disable_help_flag = true)]
struct Recipe {
    /// The seed.
    #[arg(long)]
    seed: u64,
    /// A run-time lane-map repair `<slot>:<channel_of>:<failed>` (not a `tessera gen` flag).
    #[arg(long)]
    repair: Option<String>,
    #[command(flatten)]
    flags: Box<GenFlags>,
}

/// Writes every set of the list `recipes` (default `DIR/sets.txt`) into `DIR/<set>`.
pub fn write(dir: &Path, recipes_file: Option<&Path>) -> anyhow::Result<ExitCode> {
    let list = recipes_file.map_or_else(|| dir.join(tessera_vectors::bench::RECIPES), Path::to_path_buf);
    let text = std::fs::read_to_string(&list)
        .with_context(|| format!("cannot read the recipes {}", list.display()))?;
    let all = recipes(&text);
    anyhow::ensure!(!all.is_empty(), "{}: no recipe", list.display());
    for (line, name, args) in all {
        let at = || format!("{}:{line}: set {name}", list.display());
        anyhow::ensure!(
            !name.starts_with('-') && !name.contains('/') && name != "." && name != "..",
            "{}: a line starts with the set's folder name",
            at()
        );
        let r = Recipe::try_parse_from(&args)
            .map_err(|e| anyhow::anyhow!("{}: {}", at(), e.to_string().trim()))?;
        let mut opts = flag_options(&r.flags).with_context(at)?;
        opts.seed = Some(r.seed);
        let repair = r
            .repair
            .as_deref()
            .map(Repair::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("{}: --repair {e}", at()))?;
        let set = gen::plan(&opts.to_spec(r.seed)).with_context(at)?;
        let (files, outcome) = bench_files(&set, repair.as_ref()).with_context(at)?;
        let d = dir.join(&name);
        if d.is_dir() {
            for e in std::fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))?.flatten()
            {
                if e.path().is_file() {
                    std::fs::remove_file(e.path())
                        .with_context(|| format!("cannot remove {}", e.path().display()))?;
                }
            }
        }
        std::fs::create_dir_all(&d).with_context(|| format!("cannot create {}", d.display()))?;
        let mut bytes = 0;
        for (file, content) in &files {
            bytes += content.len();
            std::fs::write(d.join(file), content)
                .with_context(|| format!("cannot write {}", d.join(file).display()))?;
        }
        println!(
            "{}: seed {}, {} files, {bytes} bytes{}; {}",
            d.display(),
            r.seed,
            files.len(),
            repair.map_or(String::new(), |r| format!(", repair {}", r.text())),
            describe_outcome(&outcome)
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_are_tessera_gen_flags_with_a_seed() {
        let parsed = Recipe::try_parse_from(["--lanes", "1", "--seed", "4", "--repair", "9:0:none"]).unwrap();
        assert_eq!((parsed.seed, parsed.repair.as_deref()), (4, Some("9:0:none")));
        assert!(Recipe::try_parse_from(["--lanes", "1"]).is_err(), "the seed is required");
        assert!(Recipe::try_parse_from(["--seed", "1", "--out", "x"]).is_err(), "no --out in a recipe");
    }
}
