#!/usr/bin/env node
// Compares context files (the ones a signer ships) with the independent copies of the npm
// context packages that verify.mjs uses.
//
//   node contexts.mjs [--contexts DIR]... [--context URL=FILE]...
//
// Prints one JSON line per context URL given: {url, file, npm: <package> | null, equal,
// onlyInFile, onlyInNpm, changed} (top-level terms). Exit 0: the comparison ran (equal or not).
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {isDeepStrictEqual} from 'node:util';

import {contextsFromDir, npmContexts} from './lib/loader.mjs';

const {values} = parseArgs({options: {
  contexts: {type: 'string', multiple: true, default: []},
  context: {type: 'string', multiple: true, default: []},
}});
const given = new Map();
for(const dir of values.contexts) {
  for(const [url, file] of contextsFromDir(dir)) {
    given.set(url, file);
  }
}
for(const pair of values.context) {
  const eq = pair.lastIndexOf('=');
  given.set(pair.slice(0, eq), path.resolve(pair.slice(eq + 1)));
}
const npm = npmContexts();
for(const [url, file] of given) {
  const document = JSON.parse(fs.readFileSync(file, 'utf8'));
  const known = npm.get(url);
  const line = {url, file, npm: known ? known.source : null};
  if(known) {
    const a = known.document['@context'] || {};
    const b = document['@context'] || {};
    line.equal = isDeepStrictEqual(known.document, document);
    line.onlyInFile = Object.keys(b).filter(k => !(k in a));
    line.onlyInNpm = Object.keys(a).filter(k => !(k in b));
    line.changed = Object.keys(a).filter(k => k in b && !isDeepStrictEqual(a[k], b[k]));
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
