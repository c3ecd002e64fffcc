// Loaded by .mocharc.json before the unit tests: property tests (fast-check) draw their inputs from one fixed seed,
// so a run's outcome depends on the code alone, not on which inputs chance picked this time (one flaky test keeps
// everything from landing). FAST_CHECK_SEED=<n> explores other inputs; a failure prints the seed to replay.
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FAST_CHECK_SEED ?? 20261204) });
