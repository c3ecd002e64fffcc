// Batch events in words, for the CLI's log lines and the editor's status bar and output channel.
import type { BatchEvent } from './driver';

/** One line per batch event, for the terminal or a CI log. */
export function describeBatchEvent(e: BatchEvent): string {
  const where = 'job' in e ? `${e.job.endpointId}/${e.job.model}` : `${e.endpointId}/${e.model}`;
  switch (e.type) {
    case 'submitted': return `batch ${where}: submitted ${e.job.keys.length} requests as ${e.job.jobId} (results within 24 h; interrupting leaves it running)`;
    case 'state': return `batch ${where}: ${e.job.jobId} is ${e.job.state}${e.job.counts.total ? ` (${e.job.counts.completed}/${e.job.counts.total} done${e.job.counts.failed ? `, ${e.job.counts.failed} failed` : ''})` : ''}`;
    case 'collected': return `batch ${where}: ${e.results} results stored${e.requeued ? `, ${e.requeued} not run by the job are sent again` : ''}`;
    case 'live': return `batch ${where}: ${e.count} requests sent live (${e.why})`;
    case 'interrupted': return `batch ${where}: ${describeInterrupted(e)}`;
  }
}

/** What looking up an interrupted submission found, and what became of it (a sentence without its endpoint). */
export function describeInterrupted(e: Extract<BatchEvent, { type: 'interrupted' }>): string {
  return `a submission was interrupted before it was recorded; ${interruptedParts(e).join('; ')}`;
}

function interruptedParts(e: Extract<BatchEvent, { type: 'interrupted' }>): string[] {
  const parts = e.found.map((j) => {
    if (!e.cancelling) return `found job ${j.jobId} by its tag (${j.state}), picked up`;
    return j.state === 'cancelling' || j.state === 'cancelled' ? `cancelled job ${j.jobId} (found by its tag)` : `job ${j.jobId} (found by its tag) had already ended ${j.state}; what it finished is stored`;
  });
  if (e.notCreated) {
    const removed = e.discarded ? `, its uploaded input (${e.discarded} file${e.discarded === 1 ? '' : 's'}) removed` : '';
    const next = e.cancelling ? 'nothing to cancel; they are left for the next run' : 'they are submitted again';
    parts.push(`no remote job had been created for ${e.notCreated.toLocaleString('en-US')} requests${removed}: ${next}`);
  }
  return parts;
}

