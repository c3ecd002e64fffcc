// Regex rules come from workspace files, so a pattern may backtrack catastrophically (ReDoS). They run in
// a separate V8 context with a time limit: a rule that exceeds it is switched off and reported once.
import vm from 'node:vm';
import { MAX_FINDINGS_PER_RULE } from './rules';
import type { Finding, RuleProblem } from './types';

/** A regex rule as written in the project file. */
export interface RegexRuleSpec { id: string; pattern: string; flags?: string; message?: string }

// Runs inside the sandbox context. Results are written as they are produced so that, after a timeout,
// the caller knows which output was being searched. Zero-length matches are skipped.
const SCAN = new vm.Script(`(function () {
  var re = rules[ruleIndex];
  for (var i = next; i < texts.length; i++) {
    current = i;
    var spans = [], m, text = texts[i];
    re.lastIndex = 0;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      spans.push(m.index, m.index + m[0].length);
      if (spans.length >= ${MAX_FINDINGS_PER_RULE * 2}) break;
    }
    results[i] = spans;
  }
  next = texts.length;
})()`, { filename: 'prompt-adapt-style-regex.js' });

interface Sandbox { rules: (RegExp | null)[]; ruleIndex: number; texts: string[]; results: number[][]; next: number; current: number }

/**
 * Compiled regex rules. `timeoutMs` bounds one sandbox call; a call covers as many outputs as fit in it,
 * so the usual cost is one call per rule per batch, and only an output that alone exceeds the limit
 * switches the rule off.
 */
export class RegexRules {
  readonly problems: RuleProblem[] = [];
  private readonly sandbox: Sandbox & vm.Context;
  private readonly active: { spec: RegexRuleSpec; ruleId: string; index: number; disabled: boolean }[] = [];

  constructor(specs: readonly RegexRuleSpec[], ruleId: (id: string) => string, private readonly timeoutMs = 250) {
    this.sandbox = vm.createContext({ rules: [], ruleIndex: 0, texts: [], results: [], next: 0, current: 0 }, {
      codeGeneration: { strings: false, wasm: false },
    }) as Sandbox & vm.Context;
    const compile = new vm.Script('rules.push((function(){ try { return new RegExp(pattern, flags); } catch (e) { error = String(e && e.message || e); return null; } })())');
    for (const spec of specs) {
      const id = ruleId(spec.id);
      const flags = `${(spec.flags ?? '').replace(/[gy]/gu, '')}g`;
      if (!/^[dgimsuv]*$/u.test(flags)) { this.problems.push({ ruleId: id, message: `invalid flags '${spec.flags}'` }); continue; }
      Object.assign(this.sandbox, { pattern: spec.pattern, flags, error: undefined });
      try {
        compile.runInContext(this.sandbox, { timeout: this.timeoutMs });
      } catch {
        this.sandbox.rules.push(null);
      }
      const error = (this.sandbox as unknown as { error?: string }).error;
      const index = this.sandbox.rules.length - 1;
      if (this.sandbox.rules[index] === null) { this.problems.push({ ruleId: id, message: `invalid regular expression: ${error ?? 'cannot compile'}` }); continue; }
      this.active.push({ spec, ruleId: id, index, disabled: false });
    }
  }

  /** Ids of the rules that compiled. */
  get ruleIds(): string[] { return this.active.map((r) => r.ruleId); }

  /** Findings of every rule for every text: `result[i]` belongs to `texts[i]`. */
  run(texts: readonly string[]): Finding[][] {
    const out: Finding[][] = texts.map(() => []);
    for (const rule of this.active) {
      if (rule.disabled) continue;
      const results = this.scan(rule, texts);
      for (let i = 0; i < texts.length; i++) {
        const spans = results[i];
        if (!spans) continue;
        for (let k = 0; k + 1 < spans.length; k += 2) {
          out[i]!.push({ ruleId: rule.ruleId, start: spans[k]!, end: spans[k + 1]!, message: rule.spec.message ?? `Matches the style rule '${rule.spec.id}'` });
        }
      }
    }
    return out;
  }

  private scan(rule: { spec: RegexRuleSpec; ruleId: string; index: number; disabled: boolean }, texts: readonly string[]): number[][] {
    const sb = this.sandbox;
    Object.assign(sb, { ruleIndex: rule.index, texts, results: [], next: 0, current: 0 });
    let cutBefore = -1;
    while (sb.next < texts.length) {
      const from = sb.next;
      try {
        SCAN.runInContext(sb, { timeout: this.timeoutMs });
      } catch (err) {
        if ((err as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
        if (sb.current === from && cutBefore !== from) {
          // The limit is wall-clock time: a busy machine may have paused this thread. One more try, alone and fresh.
          cutBefore = from;
          continue;
        }
        if (sb.current === from) {
          // This output alone took the whole budget twice: the pattern is unsafe, not merely busy.
          rule.disabled = true;
          this.problems.push({ ruleId: rule.ruleId, message: `pattern /${clip(rule.spec.pattern)}/ took longer than ${this.timeoutMs} ms on one output (catastrophic backtracking?); rule switched off` });
          break;
        }
        sb.next = sb.current;          // resume at the output that was cut short, with a fresh budget
      }
    }
    const results = sb.results;
    sb.texts = [];
    sb.results = [];
    return results;
  }
}

const clip = (s: string): string => (s.length > 60 ? `${s.slice(0, 59)}…` : s);
