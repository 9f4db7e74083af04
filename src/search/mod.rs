//! Searching a feedback index: the query language ([`parse_query`]), filters, sorting,
//! facet counts and keyword-in-context snippets.
//!
//! Nothing heavy runs here: no classifier, only the analyzer for the query words, so that a
//! `koe search` process answers in milliseconds.
//!
//! ```
//! # use koe::classify::Classifier;
//! # use koe::feedback::{Feedback, SourceRef, TextField};
//! # use koe::index::{FeedbackIndex, IndexOptions, Indexer};
//! use koe::search::{SearchRequest, search};
//! # let dir = tempfile::tempdir().unwrap();
//! # let classifier = Classifier::builtin().unwrap();
//! # let mut indexer = Indexer::open(dir.path(), &classifier, &IndexOptions::default()).unwrap();
//! # for (id, text) in [("1", "解約金が高すぎる"), ("2", "ｻﾎﾟｰﾄの対応が遅い")] {
//! #     indexer.add(Feedback {
//! #         id: id.into(), source: SourceRef { file: "a.csv".into(), line: 2 }, date: None,
//! #         channel: None, rating: None, metadata: Default::default(),
//! #         texts: vec![TextField { column: "comment".into(), text: text.into() }],
//! #     }).unwrap();
//! # }
//! # indexer.finish().unwrap();
//! let index = FeedbackIndex::open(dir.path()).unwrap();
//! let results = search(&index, &SearchRequest::new("解約")).unwrap();
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].snippet.marked("[", "]"), "[解約]金が高すぎる");
//! let results = search(&index, &SearchRequest::new("サポート")).unwrap();
//! assert_eq!(results.hits[0].snippet.marked("[", "]"), "[ｻﾎﾟｰﾄ]の対応が遅い");
//! ```

mod facets;
mod query;
mod snippet;

use std::collections::BTreeMap;
use std::ops::Bound;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument};

pub use facets::FacetCounts;
pub use query::{QueryError, QueryExpr, parse_query};
pub use snippet::{Matcher, Snippet, snippet};

use crate::classify::CauseTag;
use crate::feedback::Feedback;
use crate::index::analyzer::common_grams;
use crate::index::schema::{self, Fields};
use crate::index::{AnalyzerWorker, FeedbackIndex, IndexError, TermKind};

/// What to search for.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query (see [`parse_query`]); empty for everything.
    pub query: String,
    /// Only rows with any of these causes (ids).
    pub causes: Vec<String>,
    /// Only rows from any of these channels.
    pub channels: Vec<String>,
    /// Only rows given on or after this day.
    pub from: Option<jiff::civil::Date>,
    /// Only rows given on or before this day.
    pub to: Option<jiff::civil::Date>,
    /// Only rows of this month (its first day).
    pub month: Option<jiff::civil::Date>,
    /// Only rows rated at least this.
    pub min_rating: Option<f64>,
    /// Only rows rated at most this.
    pub max_rating: Option<f64>,
    /// Order of the hits.
    pub sort: SortOrder,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip first.
    pub offset: usize,
    /// Characters of text per snippet.
    pub snippet_chars: usize,
}

impl SearchRequest {
    /// A request for `query` with no filter, the 20 best hits.
    pub fn new(query: &str) -> Self {
        Self {
            query: query.to_owned(),
            causes: Vec::new(),
            channels: Vec::new(),
            from: None,
            to: None,
            month: None,
            min_rating: None,
            max_rating: None,
            sort: SortOrder::Relevance,
            limit: 20,
            offset: 0,
            snippet_chars: 60,
        }
    }
}

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Best match first (BM25); newest first when there is no query.
    #[default]
    Relevance,
    /// Newest first; rows without a date last.
    Newest,
    /// Oldest first; rows without a date last.
    Oldest,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// How many rows matched (all of them, not only the hits returned).
    pub total: u64,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Matched rows per cause id.
    pub causes: BTreeMap<String, u64>,
    /// Matched rows per channel (normalized).
    pub channels: BTreeMap<String, u64>,
}

/// One matched row.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The row.
    pub feedback: Feedback,
    /// Its causes, with scores and evidence.
    pub causes: Vec<CauseTag>,
    /// Relevance (BM25); `None` when sorted by date or when there is no query.
    pub score: Option<f32>,
    /// The text around the first match, matches marked.
    pub snippet: Snippet,
}

/// What can go wrong with a search.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query is malformed or has nothing to search for.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A filter makes no sense (an unknown cause, `--from` after `--to`).
    #[error("{0}")]
    Filter(String),
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl SearchError {
    /// Whether the error is in what the user asked (as opposed to a failure reading the index).
    pub fn is_usage(&self) -> bool {
        matches!(self, SearchError::Query(_) | SearchError::Filter(_))
    }
}

/// Runs `request` against `index`.
pub fn search(
    index: &FeedbackIndex,
    request: &SearchRequest,
) -> Result<SearchResults, SearchError> {
    let expr = parse_query(&request.query)?;
    check_filters(index, request)?;
    let analyzer = index.analyzer()?;
    let mut worker = analyzer.worker();
    let fields = *index.fields();
    let mut matchers = Vec::new();
    let main = compile(&expr, &mut worker, &fields, &mut matchers, false)?;
    let main = match (main, &expr) {
        (Some(query), _) => Some(query),
        (None, QueryExpr::All) => None,
        (None, _) => {
            return Err(QueryError {
                at: 1,
                message: "no searchable word in the query (only punctuation or symbols)".into(),
            }
            .into());
        }
    };
    let scored = main.is_some();
    let query = with_filters(main, filters(request, &fields));
    let searcher = index.searcher();
    let tantivy_error = |err| SearchError::Index(IndexError::tantivy(index.dir(), err));
    let facets = facets::FacetCollector::new(
        index
            .info()
            .causes
            .iter()
            .map(|cause| cause.id.clone())
            .collect(),
    );
    let sort = match request.sort {
        SortOrder::Relevance if !scored => SortOrder::Newest,
        sort => sort,
    };
    let (total, counts, page) = if request.limit == 0 {
        let (total, counts) = searcher
            .search(&query, &(Count, facets))
            .map_err(tantivy_error)?;
        (total, counts, Vec::new())
    } else {
        let top = TopDocs::with_limit(request.limit).and_offset(request.offset);
        match sort {
            SortOrder::Relevance => {
                let (total, counts, hits) = searcher
                    .search(&query, &(Count, facets, top.order_by_score()))
                    .map_err(tantivy_error)?;
                let page = hits
                    .into_iter()
                    .map(|(score, address)| (Some(score), address));
                (total, counts, page.collect())
            }
            SortOrder::Newest | SortOrder::Oldest => {
                let order = if sort == SortOrder::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let (total, counts, hits) = searcher
                    .search(
                        &query,
                        &(
                            Count,
                            facets,
                            top.order_by_fast_field::<tantivy::DateTime>(schema::DATE, order),
                        ),
                    )
                    .map_err(tantivy_error)?;
                (
                    total,
                    counts,
                    hits.into_iter()
                        .map(|(_, address)| (None, address))
                        .collect(),
                )
            }
        }
    };
    let hits = page
        .into_iter()
        .map(|(score, address)| {
            hit(
                index,
                &searcher,
                &fields,
                &mut worker,
                &matchers,
                request,
                score,
                address,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SearchResults {
        total: total as u64,
        hits,
        causes: counts.causes,
        channels: counts.channels,
    })
}

#[allow(clippy::too_many_arguments)]
fn hit(
    index: &FeedbackIndex,
    searcher: &Searcher,
    fields: &Fields,
    worker: &mut AnalyzerWorker<'_>,
    matchers: &[Matcher],
    request: &SearchRequest,
    score: Option<f32>,
    address: DocAddress,
) -> Result<Hit, SearchError> {
    let doc: TantivyDocument = searcher
        .doc(address)
        .map_err(|err| IndexError::tantivy(index.dir(), err))?;
    let row = crate::index::decode_stored(index.dir(), fields, &doc)?;
    let text = row.feedback.full_text();
    let snippet = snippet(worker, &text, matchers, request.snippet_chars);
    Ok(Hit {
        feedback: row.feedback,
        causes: row.causes,
        score,
        snippet,
    })
}

fn check_filters(index: &FeedbackIndex, request: &SearchRequest) -> Result<(), SearchError> {
    let known = &index.info().causes;
    if !known.is_empty() {
        for cause in &request.causes {
            if !known.iter().any(|known| &known.id == cause) {
                let ids: Vec<&str> = known.iter().map(|c| c.id.as_str()).collect();
                return Err(SearchError::Filter(format!(
                    "unknown cause `{cause}`; the index knows {}",
                    ids.join(", ")
                )));
            }
        }
    }
    if let (Some(from), Some(to)) = (request.from, request.to)
        && from > to
    {
        return Err(SearchError::Filter(format!(
            "--from {from} is after --to {to}"
        )));
    }
    if let (Some(min), Some(max)) = (request.min_rating, request.max_rating)
        && min > max
    {
        return Err(SearchError::Filter(format!(
            "--min-rating {min} is above --max-rating {max}"
        )));
    }
    Ok(())
}

/// Turns the parsed query into a tantivy query, collecting what snippets should mark. `None`
/// for an expression with nothing to search (only punctuation, or everything).
fn compile(
    expr: &QueryExpr,
    worker: &mut AnalyzerWorker<'_>,
    fields: &Fields,
    matchers: &mut Vec<Matcher>,
    negated: bool,
) -> Result<Option<Box<dyn Query>>, SearchError> {
    Ok(match expr {
        QueryExpr::All => None,
        QueryExpr::Word(text) | QueryExpr::Phrase(text) => {
            word_query(text, worker, fields, matchers, negated)
        }
        QueryExpr::And(parts) => {
            let mut clauses = Vec::new();
            for part in parts {
                let (occur, inner) = match part {
                    QueryExpr::Not(inner) => (Occur::MustNot, inner.as_ref()),
                    other => (Occur::Must, other),
                };
                let negated = negated ^ (occur == Occur::MustNot);
                if let Some(query) = compile(inner, worker, fields, matchers, negated)? {
                    clauses.push((occur, query));
                }
            }
            boolean(clauses)
        }
        QueryExpr::Or(alternatives) => {
            let mut clauses = Vec::new();
            for alternative in alternatives {
                if let Some(query) = compile(alternative, worker, fields, matchers, negated)? {
                    clauses.push((Occur::Should, query));
                }
            }
            boolean(clauses)
        }
        QueryExpr::Not(inner) => compile(inner, worker, fields, matchers, !negated)?
            .and_then(|query| boolean(vec![(Occur::MustNot, query)])),
    })
}

/// A boolean query of `clauses`; one that only excludes matches everything else.
fn boolean(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
    if clauses.is_empty() {
        return None;
    }
    if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
        return clauses.pop().map(|(_, query)| query);
    }
    if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// A word or phrase: its analysed terms, compound parts left out (the compound's term already
/// covers their positions). One term is a term query, several a phrase.
fn word_query(
    text: &str,
    worker: &mut AnalyzerWorker<'_>,
    fields: &Fields,
    matchers: &mut Vec<Matcher>,
    negated: bool,
) -> Option<Box<dyn Query>> {
    let terms: Vec<_> = worker
        .terms(text)
        .into_iter()
        .filter(|term| term.kind != TermKind::Part)
        .collect();
    let first = terms.first()?.position;
    let words: Vec<(usize, String)> = terms
        .into_iter()
        .map(|t| (t.position - first, t.text))
        .collect();
    let term = |text: &str| tantivy::Term::from_field_text(fields.words, text);
    let searched = common_grams(&words);
    let query: Box<dyn Query> = if searched.len() == 1 {
        Box::new(TermQuery::new(
            term(&searched[0].1),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new_with_offset(
            searched
                .iter()
                .map(|(offset, text)| (*offset, term(text)))
                .collect(),
        ))
    };
    if !negated {
        matchers.push(if words.len() == 1 {
            Matcher::Term(words[0].1.clone())
        } else {
            Matcher::Phrase(words)
        });
    }
    Some(query)
}

/// The filters of `request`, as queries that match without scoring.
fn filters(request: &SearchRequest, fields: &Fields) -> Vec<Box<dyn Query>> {
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    let any_of = |field: Field, values: Vec<String>| -> Box<dyn Query> {
        let terms: Vec<Box<dyn Query>> = values
            .iter()
            .map(|value| {
                Box::new(TermQuery::new(
                    tantivy::Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>
            })
            .collect();
        Box::new(BooleanQuery::union(terms))
    };
    if !request.causes.is_empty() {
        filters.push(any_of(fields.cause, request.causes.clone()));
    }
    if !request.channels.is_empty() {
        let keys = request
            .channels
            .iter()
            .map(|c| crate::index::channel_key(c))
            .collect();
        filters.push(any_of(fields.channel, keys));
    }
    if let Some(month) = request.month {
        filters.push(any_of(
            fields.month,
            vec![format!("{:04}-{:02}", month.year(), month.month())],
        ));
    }
    let day = |date: jiff::civil::Date| {
        crate::index::date_seconds(date.to_datetime(jiff::civil::Time::midnight())).map(|seconds| {
            tantivy::Term::from_field_date(
                fields.date,
                tantivy::DateTime::from_timestamp_secs(seconds),
            )
        })
    };
    let from = request
        .from
        .and_then(day)
        .map_or(Bound::Unbounded, Bound::Included);
    let to = request
        .to
        .and_then(|to| to.tomorrow().ok())
        .and_then(day)
        .map_or(Bound::Unbounded, Bound::Excluded);
    if !matches!((&from, &to), (Bound::Unbounded, Bound::Unbounded)) {
        filters.push(Box::new(RangeQuery::new(from, to)));
    }
    let rating =
        |value: Option<f64>| value.map(|v| tantivy::Term::from_field_f64(fields.rating, v));
    let (min, max) = (rating(request.min_rating), rating(request.max_rating));
    if min.is_some() || max.is_some() {
        filters.push(Box::new(RangeQuery::new(
            min.map_or(Bound::Unbounded, Bound::Included),
            max.map_or(Bound::Unbounded, Bound::Included),
        )));
    }
    filters
}

/// The main query and the filters, the filters not touching the score.
fn with_filters(main: Option<Box<dyn Query>>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if filters.is_empty() {
        return main.unwrap_or_else(|| Box::new(AllQuery));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(main) = main {
        clauses.push((Occur::Must, main));
    }
    for filter in filters {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    Box::new(BooleanQuery::new(clauses))
}
