// Entry point of the untrusted-workspace suite (same contract as suite/index.ts); the harness opens the
// workspace with workspace trust enabled and never granted.
export { run } from '../suite/index';
