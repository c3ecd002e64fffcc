// Shared by the runner tests: temp stores, plans over synthetic examples, providers against loopback servers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Example } from '../../../src/core/project/types';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import type { ModelProvider } from '../../../src/core/providers/provider';
import { createProvider } from '../../../src/core/providers/registry';
import { planItems, planKey, type PlanCandidate, type RunPlan } from '../../../src/core/runner/plan';

export function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pa-run-'));
}

export function examples(n: number, prefix = 'q'): Example[] {
  return Array.from({ length: n }, (_, i) => ({ id: `e${i}`, line: i + 1, fields: { question: `${prefix}${i}` } }));
}

export function makePlan(exs: Example[], candidates: PlanCandidate[], key = 'test-plan'): RunPlan {
  return {
    planKey: planKey([key]), candidates, total: exs.length * candidates.length,
    items: planItems(exs, candidates, (e) => String(e.fields.question).includes('UNRENDERABLE')
      ? { error: 'missing variable {{context}}' }
      : { messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: String(e.fields.question) }] }),
  };
}

/** Providers for the endpoints, built once each; dummy AWS credentials for loopback Bedrock. */
export function providers(endpoints: EndpointsConfig, timeoutMs = 5000): (id: string) => Promise<ModelProvider> {
  const made = new Map<string, Promise<ModelProvider>>();
  return (id) => {
    let p = made.get(id);
    if (!p) {
      p = createProvider(id, endpoints[id]!, {
        secrets: { getKey: async () => 'sk-test-secret-key-1234' }, timeoutMs,
        awsCredentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
      });
      made.set(id, p);
    }
    return p;
  };
}

export function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}
