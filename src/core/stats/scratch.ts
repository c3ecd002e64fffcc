// Reused Monte Carlo buffers. A comparison needs a few arrays of S draws that live only until its summary is taken;
// allocating them for each of thousands of comparisons (`stats compare --batch`, the coverage simulation) made the
// garbage collector a sizeable share of the run. Each slot is one buffer, grown on demand and handed out as a view.

/** The buffers in use: the calibration draws of one truncated posterior and the draws of the summarised quantity. */
export type ScratchSlot = 'tpr' | 'fpr' | 'draws';

const buffers = new Map<ScratchSlot, Float64Array>();

/**
 * A Float64Array of `size` elements from `slot`, with arbitrary contents. The next call for the same slot returns
 * the same memory, so a caller must be done with it before anything else can ask for that slot.
 */
export function scratch(slot: ScratchSlot, size: number): Float64Array {
  let b = buffers.get(slot);
  if (!b || b.length < size) {
    b = new Float64Array(size);
    buffers.set(slot, b);
  }
  return b.length === size ? b : b.subarray(0, size);
}
