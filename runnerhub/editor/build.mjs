// Builds src/ckeditor.js into the committed static files (`make editor` runs `npm ci` first,
// so the versions are exactly those of package-lock.json).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const outdir = '../static/runnerhub/editor';
const ckeditor = JSON.parse(readFileSync('node_modules/ckeditor5/package.json', 'utf8'));

const result = await esbuild.build({
  entryPoints: { ckeditor: 'src/ckeditor.js' },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'RunnerHubCKEditor',
  target: ['es2022'],
  // CKEditor's licence notices stay in the files, once each, at the end.
  legalComments: 'eof',
  banner: {
    js: `/*! RunnerHub's CKEditor 5 build: ckeditor5@${ckeditor.version}, GPL-2.0-or-later. Source: runnerhub/editor (make editor). */`,
    css: `/*! RunnerHub's CKEditor 5 build: ckeditor5@${ckeditor.version}. Source: runnerhub/editor (make editor). */`,
  },
  metafile: true,
  logLevel: 'warning',
});

for (const [path, { bytes }] of Object.entries(result.metafile.outputs)) {
  const gzip = gzipSync(readFileSync(path), { level: 9 }).length;
  console.log(`${path}: ${(bytes / 1000).toFixed(0)} kB (${(gzip / 1000).toFixed(0)} kB gzipped)`);
}
