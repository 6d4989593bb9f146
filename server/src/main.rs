//! The `ckan-search` binary: parse the command line, set up logging, run the command.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = ckan_search_server::cli::Cli::parse();
    ckan_search_server::cli::init_tracing(cli.verbose);
    match ckan_search_server::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
