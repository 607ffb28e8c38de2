//! `rolehop import SOURCE`: read the source, then one locked edit of the
//! bookmarks file through [`crate::import`]'s report and batch.

use crate::error::Result;
use crate::import;
use crate::paths;
use rolehop_files::bookmarks;
use std::process::ExitCode;

/// `--prune` asks before removing more bookmarks than this.
const MAX_UNASKED_REMOVALS: usize = 3;

/// `rolehop import SOURCE`.
pub fn run(source: crate::cli::ImportSource) -> Result<ExitCode> {
    use crate::cli::ImportSource;
    match source {
        ImportSource::AwsConfig {
            file,
            with_commands,
            opts,
        } => import::apply(
            "aws-config",
            import::aws_config::read(file.as_deref(), with_commands)?,
            opts.dry_run,
            opts.replace,
        ),
        ImportSource::ExtendSwitchRoles { file, opts } => import::apply(
            "extend-switch-roles",
            import::aesr::read(&file)?,
            opts.dry_run,
            opts.replace,
        ),
        ImportSource::Organization {
            role,
            profile,
            ous,
            include,
            exclude,
            prune,
            yes,
            opts,
        } => {
            if let Err(e) = bookmarks::validate_field(bookmarks::Field::Role, &role) {
                return Err(crate::error::Error::Usage {
                    message: format!("--role {e}"),
                    hint: None,
                });
            }
            let env = crate::env::EnvView::from_process();
            let source = env.base_source(profile.as_deref());
            let listing = crate::rt::block_on(import::organization::fetch(&source, &env, &ous))??;
            let path = paths::bookmarks_path()?;
            let existing = bookmarks::Bookmarks::load(&path)?;
            let options = import::organization::Options {
                role,
                include,
                exclude,
                profile,
                prune,
            };
            let plan = import::organization::plan(&listing, &existing, &options)?;
            let removing = plan.changes.remove.len();
            if removing > MAX_UNASKED_REMOVALS
                && !opts.dry_run
                && !crate::cmd::ask::confirm(
                    &format!(
                        "--prune would remove {removing} bookmarks ({}); remove them?",
                        some_names(&plan.changes.remove)
                    ),
                    yes,
                )?
            {
                eprintln!("rolehop: nothing changed");
                return Ok(ExitCode::SUCCESS);
            }
            import::apply_with(
                "organization",
                plan.parsed,
                opts.dry_run,
                opts.replace,
                &plan.changes,
                &plan.existing,
            )
        }
    }
}

/// The first few names, and how many more.
fn some_names(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut out = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        out.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    out
}
