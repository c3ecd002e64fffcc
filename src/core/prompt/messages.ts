// Building PromptMessages (variables located, template problems reported) for every prompt format.
import type { Range } from '../problems';
import { contentRange, locateVariables, scanTemplate, type OffsetMap } from './locate';
import type { Reporter } from '../fileProblems/reporter';
import type { PromptMessage, Role } from './types';

export const ROLES: readonly Role[] = ['system', 'user', 'assistant'];

/**
 * A message from its content and the map from content offsets to file offsets. Template problems
 * (an unclosed `{{`, a bad name, a Handlebars helper) are warnings: the text is sent as written.
 */
export function buildMessage(role: Role, content: string, range: Range, rep: Reporter, map: OffsetMap, endMap: OffsetMap = map): PromptMessage {
  const nul = content.indexOf('\0');
  if (nul !== -1) {
    rep.error(contentRange(rep.lines, map, endMap, nul, nul + 1), 'nul-character', 'This message contains a NUL character (U+0000, written as "\\0" or "\\x00"), which would be sent to the model. Remove it.');
  }
  const scan = scanTemplate(content);
  for (const issue of scan.issues) {
    const r = contentRange(rep.lines, map, endMap, issue.start, issue.end);
    if (issue.kind === 'unclosed') {
      rep.warning(r, 'unclosed-placeholder', "'{{' is never closed with '}}', so it is sent to the model as written. Close it ('{{name}}') or remove it.");
    } else if (issue.kind === 'badName') {
      rep.warning(r, 'bad-variable-name', `'{{${issue.inner}}}' is not a variable: names start with a letter or '_' and contain only letters, digits, '_', '-' and '.'. It is sent to the model as written.`);
    } else {
      rep.warning(r, 'unsupported-helper', `'{{${issue.inner}}}' is a template helper; only plain '{{variable}}' placeholders are filled in, so this is sent to the model as written.`);
    }
  }
  return { role, content, variables: locateVariables(scan, rep.lines, map, endMap), range };
}
