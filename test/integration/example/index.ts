// Entry point of the suite that runs in a copy of the bundled example (examples/support-qa) as workspace.
export { run } from '../suite/index';
