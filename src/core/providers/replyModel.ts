// Whether the model a server says answered is the one we asked for. A single-model server (llama.cpp's
// llama-server, a bare vLLM) answers any model name with its own model, so two candidates on it silently
// run the same model; the reply's `model` field is the only sign.

/** Same model under another spelling: case, a dated or versioned snapshot (`gpt-4o-mini-2024-07-18`), a tag (`llama3:latest`), a provider prefix. */
function sameModel(requested: string, replied: string): boolean {
  const a = requested.toLowerCase();
  const b = replied.toLowerCase();
  if (a === b || b.endsWith(`/${a}`) || a.endsWith(`/${b}`)) return true;
  return b.startsWith(a) && /^(?:-\d[\w.-]*|:[\w.-]+|@[\w.-]+)$/.test(b.slice(a.length));
}

/** A model file rather than a model name: what llama-server echoes when it serves one file. */
const modelFile = /\.(?:gguf|ggml|bin|safetensors)$/i;

/** Why the reply's model is worth a warning, or undefined when it is the requested one (or the server names none). */
export function replyModelWarning(requested: string, replied: string | undefined): string | undefined {
  if (!replied || sameModel(requested, replied)) return undefined;
  if (modelFile.test(replied)) {
    return `the server names its model file '${replied}', not the model asked for ('${requested}'): a llama.cpp-style server serving one file answers every `
      + 'model name with that file, so candidates sharing this endpoint ran the same model unless it serves several (router mode).';
  }
  return `the server answered as model '${replied}', not '${requested}': it may be serving another model than the one asked for (a single-model server answers any name).`;
}
