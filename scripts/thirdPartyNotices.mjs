// dist/ThirdPartyNotices.txt: the licences of the third-party packages the shipped bundles contain. Which packages
// those are comes from esbuild's metafiles (the inputs that put bytes into a shipped output), so the file follows
// the bundles: a library added, dropped or tree-shaken away changes it at the next build. Each package's own
// LICENSE / NOTICE files are copied whole (BSD and Apache licences ask for their text and notices to travel with
// binary redistributions); a package that ships no licence file is listed with the licence its package.json names.
import fs from 'node:fs';
import path from 'node:path';

/** `node_modules/@scope/name/...` or `node_modules/name/...` → the package folder (the innermost node_modules wins). */
export function packageDirOf(input) {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const len = parts[at + 1].startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + len).join('/');
}

/** The package folders whose code is in the shipped outputs of `metafiles` (outputs under `out/` and source maps are not shipped). */
export function bundledPackageDirs(metafiles) {
  const dirs = new Set();
  for (const m of metafiles) {
    for (const [file, out] of Object.entries(m.outputs)) {
      if (file.startsWith('out/') || file.endsWith('.map')) continue;
      for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
        const dir = bytesInOutput > 0 ? packageDirOf(input) : undefined;
        if (dir) dirs.add(dir);
      }
    }
  }
  return [...dirs];
}

const LEGAL_FILE = /^(licen[cs]e|copying|notices?)(\b|[-_.]|$)/i;

/**
 * One package's entry: name, version, declared licence, then its licence and notice files word for word. A file
 * whose text an earlier entry already printed (the Apache licence of every AWS SDK package) names that entry instead.
 */
function packageEntry(root, dir, printed) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  const declared = typeof pkg.license === 'string' ? pkg.license : pkg.license?.type ?? (pkg.licenses ?? []).map((l) => l.type).join(' OR ') ?? 'not stated';
  const files = fs.readdirSync(path.join(root, dir)).filter((f) => LEGAL_FILE.test(f) && fs.statSync(path.join(root, dir, f)).isFile()).sort();
  const head = `${pkg.name}@${pkg.version} — ${declared || 'licence not stated'}${pkg.repository ? ` — ${typeof pkg.repository === 'string' ? pkg.repository : pkg.repository.url}` : ''}`;
  const body = files.length
    ? files.map((f) => {
      const text = fs.readFileSync(path.join(root, dir, f), 'utf8').trim();
      const first = printed.get(text);
      if (first) return `--- ${f}: the same text as ${first} above ---`;
      printed.set(text, `${pkg.name}'s ${f}`);
      return `--- ${f} ---\n${text}`;
    }).join('\n\n')
    : `(The package ships no licence file; its package.json declares ${declared || 'no licence'}.)`;
  return { name: pkg.name, version: pkg.version, text: `${head}\n\n${body}` };
}

/** The notices text for the packages in `metafiles`, one entry per name@version, sorted by name. */
export function thirdPartyNotices(metafiles, root = process.cwd()) {
  const byName = (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version);
  const pkgs = bundledPackageDirs(metafiles).map((dir) => ({ dir, ...JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) })).sort(byName);
  const printed = new Map();
  const entries = new Map();
  for (const p of pkgs) if (!entries.has(`${p.name}@${p.version}`)) entries.set(`${p.name}@${p.version}`, packageEntry(root, p.dir, printed));
  const sorted = [...entries.values()];
  const rule = '='.repeat(78);
  return `Prompt Adapt includes the following third-party software (${sorted.length} packages), bundled into dist/.\n`
    + 'Each is listed with its version and licence, followed by the licence and notice files it ships.\n\n'
    + sorted.map((e) => `${rule}\n${e.text}\n`).join('\n');
}

/** Writes `target` from the build's metafiles. */
export function writeThirdPartyNotices(metafiles, target, root = process.cwd()) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, thirdPartyNotices(metafiles, root));
}
