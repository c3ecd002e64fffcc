// Messages between the extension host and the quick-check webview. Leaf module (no imports): the Node side and
// the browser bundle share these shapes. Replies are untrusted model output: the view renders them as text only,
// and the host accepts only what `parseQuickCheckMessage` lets through.

/** A candidate the view can run. */
export interface QuickCheckCandidateInfo { id: string; model: string; endpoint: string; priced: boolean }

/** A test-set row to pick: the prompt's variables filled from it. */
export interface QuickCheckRowInfo { id: string; label: string; values: Record<string, string> }

/** One candidate's figures and reply once it finished. Strings are untrusted. */
export interface QuickCheckResultInfo {
  candidateId: string; model: string; text: string; answer?: string; idk?: boolean; schemaValid?: boolean;
  firstTokenMs?: number; latencyMs?: number; inputTokens?: number; outputTokens?: number; cost?: number; streamed?: boolean; error?: string;
}

export type QuickCheckHostMessage =
  | { type: 'init'; promptName: string; variables: string[]; testSets: { id: string; rows: QuickCheckRowInfo[] }[]; candidates: QuickCheckCandidateInfo[];
    /** Preselection (from the command's arguments). */ selected?: { testSetId?: string; rowId?: string; candidateIds?: string[] } }
  | { type: 'started'; check: number; candidateIds: string[] }
  | { type: 'text'; check: number; pieces: { candidateId: string; text: string }[] }
  | { type: 'done'; check: number; result: QuickCheckResultInfo }
  | { type: 'finished'; check: number }
  | { type: 'error'; message: string }
  | { type: 'saved'; path: string };

export type QuickCheckViewMessage =
  | { type: 'ready' }
  | { type: 'run'; values: Record<string, string>; candidateIds: string[]; row?: { testSetId: string; id: string } }
  | { type: 'stop' }
  | { type: 'save' };

const MAX_VALUE = 200_000;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isShortString = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length <= max;

/** The message if it is one the view may send, else undefined (anything else is dropped). */
export function parseQuickCheckMessage(m: unknown): QuickCheckViewMessage | undefined {
  if (!isRecord(m)) return undefined;
  switch (m.type) {
    case 'ready': case 'stop': case 'save': return { type: m.type };
    case 'run': {
      const { values, candidateIds, row } = m;
      if (!isRecord(values) || Object.keys(values).length > 100) return undefined;
      if (!Object.entries(values).every(([k, v]) => isShortString(k) && isShortString(v, MAX_VALUE))) return undefined;
      if (!Array.isArray(candidateIds) || candidateIds.length === 0 || candidateIds.length > 50 || !candidateIds.every((c) => isShortString(c))) return undefined;
      if (row !== undefined && !(isRecord(row) && isShortString(row.testSetId) && isShortString(row.id, 1000))) return undefined;
      return { type: 'run', values: values as Record<string, string>, candidateIds: candidateIds as string[],
        ...(row ? { row: { testSetId: (row as { testSetId: string }).testSetId, id: (row as { id: string }).id } } : {}) };
    }
    default: return undefined;
  }
}
