//! koe's integration tests: one test binary, one module per area. They run the real `koe`
//! binary on files they write themselves, so they need nothing outside the repository.

mod classify;
mod index;
mod ingest;
mod report;
mod search;
mod support;
mod tokenize;
