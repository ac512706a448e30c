//! What a k-means fit is asked to do, checked before any work.

use std::ops::ControlFlow;

use ndarray::{ArrayView2, CowArray, Ix2};
use rand::Rng;

use super::model::KMeansModel;
use super::run::KMeansRun;
use crate::segment::SegmentError;

/// The entry point: `KMeans::params(k)`.
pub struct KMeans;

impl KMeans {
    /// Parameters for `n_segments` segments: 10 runs of at most 300 iterations (scikit-learn's
    /// defaults), seeded by classic k-means++ (one candidate per centre).
    pub fn params(n_segments: usize) -> KMeansParams {
        KMeansParams {
            n_segments,
            n_init: 10,
            max_iterations: 300,
            seeding_trials: 1,
            tolerance: 1e-4,
        }
    }
}

/// How to fit: segments, restarts, iteration cap.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KMeansParams {
    pub n_segments: usize,
    pub n_init: usize,
    pub max_iterations: usize,
    /// Candidate rows drawn per new centre when seeding; 1 is classic k-means++, scikit-learn's
    /// greedy variant draws `2 + ⌊ln k⌋` and keeps the best. More candidates give better starts
    /// at the price of a pass over the data per centre; with restarts, strict convergence and the
    /// Hartigan polish, one is as good on our reference data sets and twice as fast.
    pub seeding_trials: usize,
    /// A run is settled when its centres move less, in total squared distance, than this times
    /// the mean feature variance (scikit-learn's `tol`). Runs are compared once settled; the
    /// winner alone then goes on to a fixed point, so the tolerance saves the losers' last
    /// iterations, not precision.
    pub tolerance: f64,
}

impl KMeansParams {
    pub fn n_init(mut self, n_init: usize) -> KMeansParams {
        self.n_init = n_init;
        self
    }

    pub fn tolerance(mut self, tolerance: f64) -> KMeansParams {
        self.tolerance = tolerance;
        self
    }

    pub fn seeding_trials(mut self, seeding_trials: usize) -> KMeansParams {
        self.seeding_trials = seeding_trials;
        self
    }

    /// The same parameters for another number of segments.
    pub fn clone_with_segments(&self, n_segments: usize) -> KMeansParams {
        KMeansParams {
            n_segments,
            ..self.clone()
        }
    }

    pub fn max_iterations(mut self, max_iterations: usize) -> KMeansParams {
        self.max_iterations = max_iterations;
        self
    }

    /// Checks the parameters against `data` (customers × features): at least one segment, no more
    /// segments than customers, at least one restart and iteration, finite values.
    pub fn check(&self, data: &ArrayView2<'_, f64>) -> Result<(), SegmentError> {
        if self.n_segments < 1 {
            return Err(SegmentError::TooFewSegments {
                n_segments: self.n_segments,
                min: 1,
            });
        }
        if self.n_init < 1 {
            return Err(SegmentError::BadParameter {
                parameter: "n_init",
                value: self.n_init.to_string(),
                reason: "at least one run is needed",
            });
        }
        if !(self.tolerance >= 0.0 && self.tolerance.is_finite()) {
            return Err(SegmentError::BadParameter {
                parameter: "tolerance",
                value: self.tolerance.to_string(),
                reason: "it must be a finite number, 0 or more",
            });
        }
        if self.seeding_trials < 1 {
            return Err(SegmentError::BadParameter {
                parameter: "seeding_trials",
                value: self.seeding_trials.to_string(),
                reason: "at least one candidate per centre is needed",
            });
        }
        if self.max_iterations < 1 {
            return Err(SegmentError::BadParameter {
                parameter: "max_iterations",
                value: self.max_iterations.to_string(),
                reason: "at least one iteration is needed",
            });
        }
        if data.ncols() == 0 {
            return Err(SegmentError::NoFeatures);
        }
        if data.nrows() == 0 {
            return Err(SegmentError::NoRows);
        }
        if data.nrows() < self.n_segments {
            return Err(SegmentError::TooFewRows {
                n_segments: self.n_segments,
                n_rows: data.nrows(),
            });
        }
        if let Some(((row, col), &value)) = data.indexed_iter().find(|(_, x)| !x.is_finite()) {
            return Err(SegmentError::NotFinite {
                row,
                feature: format!("column {}", col + 1),
                value,
            });
        }
        Ok(())
    }

    /// Fits `n_init` runs seeded from `rng` and keeps the one of lowest inertia (the first such
    /// run on a tie).
    ///
    /// Natively the runs are shared among the machine's cores; each run has its own seed and the
    /// winner is chosen as in [`fit_with_progress`](Self::fit_with_progress), so the model is the
    /// same bit for bit however many threads there are (and the same as in the browser, where
    /// runs are sequential).
    pub fn fit(
        &self,
        data: ArrayView2<'_, f64>,
        rng: &mut impl Rng,
    ) -> Result<KMeansModel, SegmentError> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.check(&data)?;
            let data: CowArray<'_, f64, Ix2> = data.as_standard_layout();
            let seeds: Vec<u64> = (0..self.n_init).map(|_| rng.next_u64()).collect();
            let n_threads = std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(seeds.len());
            let view = data.view();
            let bests: Vec<Option<Settled<'_>>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..n_threads)
                    .map(|thread| {
                        let seeds = &seeds;
                        scope.spawn(move || {
                            let mut best: Option<Settled<'_>> = None;
                            for run_idx in (thread..seeds.len()).step_by(n_threads) {
                                let mut run = KMeansRun::start(self, view, seeds[run_idx])?;
                                while !run.step() {}
                                best = Settled::better(best, run_idx, run);
                            }
                            Ok(best)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|handle| handle.join().expect("a k-means run does not panic"))
                    .collect::<Result<Vec<_>, SegmentError>>()
            })?;
            let best = bests
                .into_iter()
                .flatten()
                .reduce(|a, b| if b.beats(&a) { b } else { a });
            self.finish(best, &data, |_| ControlFlow::Continue(()))
        }
        #[cfg(target_arch = "wasm32")]
        self.fit_with_progress(data, rng, |_| ControlFlow::Continue(()))
    }

    /// [`fit`](Self::fit) one run after another, calling `progress` with the fraction done
    /// (0..=1) after every iteration; `ControlFlow::Break` stops the fit with
    /// [`SegmentError::Cancelled`].
    pub fn fit_with_progress(
        &self,
        data: ArrayView2<'_, f64>,
        rng: &mut impl Rng,
        mut progress: impl FnMut(f32) -> ControlFlow<()>,
    ) -> Result<KMeansModel, SegmentError> {
        self.check(&data)?;
        let data: CowArray<'_, f64, Ix2> = data.as_standard_layout();
        let seeds: Vec<u64> = (0..self.n_init).map(|_| rng.next_u64()).collect();
        let mut best: Option<Settled<'_>> = None;
        for (run_idx, &seed) in seeds.iter().enumerate() {
            let mut run = KMeansRun::start(self, data.view(), seed)?;
            while !run.step() {
                let fraction = (run_idx as f32
                    + run.n_iterations() as f32 / self.max_iterations as f32)
                    / (self.n_init + 1) as f32;
                if progress(fraction).is_break() {
                    return Err(SegmentError::Cancelled);
                }
            }
            best = Settled::better(best, run_idx, run);
            if progress((run_idx + 1) as f32 / (self.n_init + 1) as f32).is_break() {
                return Err(SegmentError::Cancelled);
            }
        }
        self.finish(best, &data, progress)
    }

    /// The best run taken on to a fixed point, polished with Hartigan's moves and numbered by
    /// size.
    fn finish(
        &self,
        best: Option<Settled<'_>>,
        data: &CowArray<'_, f64, Ix2>,
        mut progress: impl FnMut(f32) -> ControlFlow<()>,
    ) -> Result<KMeansModel, SegmentError> {
        let mut run = best
            .expect("n_init ≥ 1 was checked, so one run finished")
            .run;
        run.until_fixed_point();
        while !run.step() {
            let fraction = (self.n_init as f32
                + run.n_iterations() as f32 / self.max_iterations as f32)
                / (self.n_init + 1) as f32;
            if progress(fraction.min(1.0)).is_break() {
                return Err(SegmentError::Cancelled);
            }
        }
        let mut best = run.into_model();
        let rows = data
            .as_slice()
            .expect("as_standard_layout gives rows one after another");
        best.polish(rows, self.max_iterations);
        Ok(best.numbered_by_size())
    }
}

/// A settled run and its inertia, competing to be the best.
struct Settled<'a> {
    run_idx: usize,
    inertia: f64,
    run: KMeansRun<'a>,
}

impl<'a> Settled<'a> {
    /// Whether `self` wins over `other`: lower inertia, or equal and started first.
    fn beats(&self, other: &Settled<'_>) -> bool {
        self.inertia < other.inertia
            || (self.inertia == other.inertia && self.run_idx < other.run_idx)
    }

    /// The better of `best` and the run just settled.
    fn better(
        best: Option<Settled<'a>>,
        run_idx: usize,
        run: KMeansRun<'a>,
    ) -> Option<Settled<'a>> {
        let candidate = Settled {
            run_idx,
            inertia: run.inertia(),
            run,
        };
        match best {
            Some(best) if !candidate.beats(&best) => Some(best),
            _ => Some(candidate),
        }
    }
}
