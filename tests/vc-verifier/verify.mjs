#!/usr/bin/env node
// An independent, offline verifier of Open Badges 3.0 credentials, for the tests.
//
//   node verify.mjs --site <built site dir> --base-url <url the site was built for>
//        [--contexts <dir>]... [--context <url>=<file>]... [--now <ISO date>]
//        <credential.json | baked.png | baked.svg> ...
//
// Prints one JSON line per input: {input, verified, errors: [...], checks: {...}}; exits 0 when
// every input verified, 1 when one did not, 2 on a usage error.
//
// What "verified" means here (every item must hold):
//   - the credential reads as a VC Data Model 2.0 credential (Digital Bazaar's @digitalbazaar/vc,
//     verifyCredential), including validFrom/validUntil against --now (default: the clock);
//   - every term expands to an absolute IRI with the locally shipped contexts: JSON-LD expansion
//     in safe mode, so an undefined term fails instead of being dropped from what is signed;
//   - its Data Integrity proof, cryptosuite eddsa-rdfc-2022, verifies with an Ed25519 Multikey
//     that the issuer's did:web DID document lists under assertionMethod, the issuer being that
//     DID (CredentialIssuancePurpose);
//   - each credentialStatus entry (W3C Bitstring Status List) points to a status list credential
//     of the site, itself verified the same way and by the same issuer, whose bit for the
//     credential is 0 (@digitalbazaar/vc-bitstring-status-list);
//   - every EndorsementCredential embedded in it verifies by the same rules.
// Contexts, DID documents and status lists come from local files only: see lib/loader.mjs.
// `checks` tells each part apart (proof, terms, validity, status, endorsements), so a test can
// say why a credential failed, and `checks.loaded` lists every document used and where from.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';

import {
  CredentialIssuancePurpose, verifyCredential, _checkCredential
} from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus as bslCheckStatus} from '@digitalbazaar/vc-bitstring-status-list';
import jsigs from 'jsonld-signatures';
import jsonld from 'jsonld';

import {extractCredential} from './lib/baked.mjs';
import {OfflineLoader, contextsFromDir} from './lib/loader.mjs';

// Belt and braces: nothing in this process may reach the network, whatever a library defaults to.
jsonld.documentLoader = async url => {
  throw new Error(`network access refused (jsonld default loader): ${url}`);
};
globalThis.fetch = async url => {
  throw new Error(`network access refused (fetch): ${url}`);
};

const OB3_CONTEXT = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.0\.\d+)?\.json$/;
const OB3_TYPES = ['OpenBadgeCredential', 'AchievementCredential', 'EndorsementCredential'];
const STATUS_FAILS = new Set(['revocation', 'suspension']);

function usage(message) {
  process.stderr.write(`${message}\nusage: node verify.mjs --site DIR --base-url URL ` +
    '[--contexts DIR]... [--context URL=FILE]... [--now ISO] INPUT...\n');
  process.exit(2);
}

function parse() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        site: {type: 'string'},
        'base-url': {type: 'string'},
        contexts: {type: 'string', multiple: true, default: []},
        context: {type: 'string', multiple: true, default: []},
        now: {type: 'string'},
      }
    });
  } catch(e) {
    usage(e.message);
  }
  const {values, positionals} = parsed;
  if(!values.site || !values['base-url']) {
    usage('--site and --base-url are required');
  }
  if(!positionals.length) {
    usage('no input');
  }
  let now = new Date();
  if(values.now) {
    now = new Date(values.now);
    if(Number.isNaN(now.getTime())) {
      usage(`--now is not a date: ${values.now}`);
    }
  }
  const extraContexts = new Map();
  for(const dir of values.contexts) {
    let pairs;
    try {
      pairs = contextsFromDir(dir);
    } catch(e) {
      usage(`--contexts: ${e.message}`);
    }
    for(const [url, file] of pairs) {
      extraContexts.set(url, file);
    }
  }
  for(const pair of values.context) {
    const eq = pair.lastIndexOf('=');
    if(eq <= 0) {
      usage(`--context wants URL=FILE, not ${pair}`);
    }
    extraContexts.set(pair.slice(0, eq), path.resolve(pair.slice(eq + 1)));
  }
  return {site: values.site, baseUrl: values['base-url'], extraContexts, now, inputs: positionals};
}

/** Short messages for an error and the errors it wraps, most specific last, no duplicates. */
function messages(error, into = []) {
  if(!error) {
    return into;
  }
  if(Array.isArray(error)) {
    error.forEach(e => messages(e, into));
    return into;
  }
  if(error.errors && Array.isArray(error.errors) && error.errors.length) {
    if(error.message && !/^Verification error\(s\)\.?$/.test(error.message)) {
      push(into, error.message);
    }
    messages(error.errors, into);
  } else {
    let text = error.message || String(error);
    const event = error.details && error.details.event;
    if(event && event.details) {
      // jsonld safe mode: say which term or type could not be expanded.
      const d = event.details;
      const what = d.property ?? d.type ?? d.term ?? d.value;
      text = `${text} ${event.code}: ${JSON.stringify(what)} (${event.message})`;
    }
    if(/^Dereferencing a URL did not result in a valid JSON-LD object/.test(text)) {
      text = `cannot load context ${JSON.stringify(error.details && error.details.url)}`;
    }
    push(into, text);
  }
  if(error.cause) {
    messages(error.cause, into);
  }
  if(error.details && error.details.cause) {
    messages(error.details.cause, into);
  }
  return into;
}

function push(list, text) {
  if(!list.includes(text)) {
    list.push(text);
  }
}

function asArray(value) {
  return value === undefined ? [] : [].concat(value);
}

function typesOf(node) {
  return asArray(node && node.type);
}

function idOf(value) {
  return typeof value === 'string' ? value : value && value.id;
}

/** The EndorsementCredentials embedded anywhere inside `credential` (not itself). */
function embeddedEndorsements(credential) {
  const found = [];
  const walk = (node, top) => {
    if(Array.isArray(node)) {
      node.forEach(n => walk(n, false));
      return;
    }
    if(!node || typeof node !== 'object') {
      return;
    }
    if(!top && typesOf(node).includes('EndorsementCredential')) {
      found.push(node);
      return; // its own endorsements are checked when it is verified
    }
    for(const [key, value] of Object.entries(node)) {
      if(key !== 'proof' && key !== '@context') {
        walk(value, false);
      }
    }
  };
  walk(credential, true);
  return found;
}

class Verifier {
  constructor({loader, now, statusLists = new Map()}) {
    this.loader = loader;
    this.documentLoader = loader.documentLoader;
    this.now = now;
    this.suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
    this.statusLists = statusLists; // URL → result of verifying that status list credential
  }

  /** The status check handed to verifyCredential: fails when a revocation/suspension bit is set. */
  async checkStatus({credential}) {
    const entries = asArray(credential.credentialStatus);
    const results = [];
    const errors = [];
    for(const entry of entries) {
      const result = {
        type: entry.type, statusPurpose: entry.statusPurpose,
        statusListIndex: entry.statusListIndex, statusListCredential: entry.statusListCredential
      };
      results.push(result);
      if(entry.type !== 'BitstringStatusListEntry') {
        errors.push(new Error(`credentialStatus type ${JSON.stringify(entry.type)} is not ` +
          'supported (BitstringStatusListEntry only)'));
        continue;
      }
      try {
        // The list credential is verified here, against --now (the library would use the clock).
        const list = await this.verifyStatusList(entry.statusListCredential);
        result.listVerified = list.verified;
        if(!list.verified) {
          throw new Error(`status list credential ${entry.statusListCredential} does not verify: ` +
            list.errors.join('; '));
        }
        const r = await bslCheckStatus({
          credential: {...credential, credentialStatus: entry},
          documentLoader: this.documentLoader,
          suite: this.suite,
          verifyBitstringStatusListCredential: false, // done just above
          verifyMatchingIssuers: true
        });
        if(!r.verified) {
          throw r.error || new Error('status check failed');
        }
        result.status = r.results[0].status;
        if(result.status && STATUS_FAILS.has(entry.statusPurpose)) {
          errors.push(new Error(`status list ${entry.statusListCredential} has bit ` +
            `${entry.statusListIndex} set: the credential is ` +
            `${entry.statusPurpose === 'revocation' ? 'revoked' : 'suspended'}`));
        }
      } catch(e) {
        errors.push(e);
      }
    }
    return {verified: errors.length === 0, results,
      error: errors.length ? Object.assign(new Error('status check failed'), {errors}) : undefined};
  }

  async verifyStatusList(url) {
    this.loader.allowSiteUrl(url);
    if(!this.statusLists.has(url)) {
      const {document} = await this.documentLoader(url);
      this.statusLists.set(url, await this.verify(document, {isStatusList: true}));
    }
    return this.statusLists.get(url);
  }

  /** Verify one credential object: {verified, errors, checks}. */
  async verify(credential, {isStatusList = false} = {}) {
    const errors = [];
    const checks = {};
    const fail = (e) => messages(e).forEach(m => push(errors, m));
    if(!credential || typeof credential !== 'object' || Array.isArray(credential)) {
      return {verified: false, errors: ['the credential is not a JSON object'], checks};
    }
    checks.id = credential.id;
    checks.type = typesOf(credential);
    checks.issuer = idOf(credential.issuer);
    const contexts = asArray(credential['@context']);
    checks.contexts = contexts;

    // Which OB 3.0 context, and the copies the signer ships that differ from ours.
    if(OB3_TYPES.some(t => checks.type.includes(t)) &&
      !contexts.some(c => typeof c === 'string' && OB3_CONTEXT.test(c))) {
      push(errors, `an ${checks.type.join('/')} must use the Open Badges 3.0 context`);
    }
    // A context file given on the command line for a URL an npm package also serves: the npm
    // copy is used (independent of the signer), the difference is reported. A difference that
    // matters to this credential fails it anyway: a term the npm copy lacks fails safe mode, a
    // term it maps elsewhere changes the canonical form, so the signature no longer matches.
    for(const c of contexts) {
      const conflict = typeof c === 'string' && this.loader.contextConflicts.get(c);
      if(conflict) {
        (checks.contextDifferences ||= []).push({url: c, file: conflict.file, used: conflict.npm,
          onlyInFile: conflict.onlyInFile, onlyInNpm: conflict.onlyInNpm, changed: conflict.changed});
      }
    }

    // Structure and dates (VC Data Model 2.0), against --now.
    try {
      _checkCredential({credential, now: this.now});
      checks.validity = {ok: true};
    } catch(e) {
      checks.validity = {ok: false, error: e.message};
    }
    checks.validity.now = this.now.toISOString();
    checks.validity.validFrom = credential.validFrom;
    checks.validity.validUntil = credential.validUntil;

    // Strict terms: safe-mode expansion throws on any term or type no context defines.
    try {
      await jsonld.expand(credential, {documentLoader: this.documentLoader, safe: true, base: null});
      checks.terms = {ok: true};
    } catch(e) {
      checks.terms = {ok: false, error: messages(e).join('; ')};
      fail(e);
    }

    // The proof alone (signature, key listed under assertionMethod, issuer = controller),
    // whatever the dates say: tells "expired" from "forged".
    const proofs = asArray(credential.proof);
    checks.proof = {
      count: proofs.length,
      type: proofs.map(p => p && p.type),
      cryptosuite: proofs.map(p => p && p.cryptosuite),
      verificationMethod: proofs.map(p => idOf(p && p.verificationMethod))
    };
    if(proofs.length !== 1) {
      push(errors, `expected exactly one proof, found ${proofs.length}`);
    }
    try {
      const r = await jsigs.verify(credential, {
        suite: this.suite, purpose: new CredentialIssuancePurpose(),
        documentLoader: this.documentLoader
      });
      checks.proof.verified = r.verified;
      if(!r.verified) {
        checks.proof.errors = messages(r.error);
      }
    } catch(e) {
      checks.proof.verified = false;
      checks.proof.errors = messages(e);
    }

    // The library's own verdict: dates, structure, proof, and status through our checkStatus.
    let result;
    try {
      result = await verifyCredential({
        credential,
        suite: this.suite,
        documentLoader: this.documentLoader,
        now: this.now,
        checkStatus: options => this.checkStatus(options)
      });
    } catch(e) {
      result = {verified: false, error: e};
    }
    checks.library = result.verified;
    if(!result.verified) {
      fail(result.error);
      if(result.statusResult && !result.statusResult.verified) {
        fail(result.statusResult.error);
      }
      if(!result.error && !result.statusResult) {
        push(errors, 'verifyCredential said not verified without an error');
      }
    }
    if(credential.credentialStatus === undefined) {
      checks.status = {checked: false};
    } else if(result.statusResult) {
      checks.status = {checked: true, verified: result.statusResult.verified,
        entries: result.statusResult.results};
    } else {
      // verifyCredential stops before the status when the proof or dates fail: check it anyway,
      // so a report says whether the credential is also revoked.
      const s = await this.checkStatus({credential});
      checks.status = {checked: true, verified: s.verified, entries: s.results,
        errors: messages(s.error)};
    }
    // verifyCredential reports the first failure only: add the others, so the errors list every
    // reason (an expired credential signed with the wrong key says both).
    if(!checks.validity.ok) {
      push(errors, checks.validity.error);
    }
    if(!checks.proof.verified) {
      checks.proof.errors.forEach(m => push(errors, m));
    }
    if(checks.status.verified === false && checks.status.errors) {
      checks.status.errors.forEach(m => push(errors, m));
    }
    if(isStatusList) {
      return {verified: errors.length === 0, errors, checks};
    }

    // Endorsements embedded in the credential (issuer, achievement, the credential itself).
    const endorsements = embeddedEndorsements(credential);
    if(endorsements.length) {
      checks.endorsements = [];
      for(const endorsement of endorsements) {
        const r = await this.verify(endorsement);
        checks.endorsements.push({id: endorsement.id, verified: r.verified, errors: r.errors});
        if(!r.verified) {
          push(errors, `endorsement ${endorsement.id}: ${r.errors.join('; ')}`);
        }
      }
    }
    return {verified: errors.length === 0, errors, checks};
  }
}

function sortedJson(value) {
  if(Array.isArray(value)) {
    return `[${value.map(sortedJson).join(',')}]`;
  }
  if(value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${sortedJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// Status list credentials verified once for all inputs (each input still has to name a list
// before the loader serves it).
const statusLists = new Map();

async function verifyInput(input, options) {
  const loader = new OfflineLoader(options);
  const verifier = new Verifier({loader, now: options.now, statusLists});
  let credential;
  let extracted;
  try {
    extracted = extractCredential(fs.readFileSync(input));
    credential = JSON.parse(extracted.text);
  } catch(e) {
    return {input, verified: false, errors: [`cannot read a credential: ${e.message}`],
      checks: {source: extracted ? extracted.details : undefined}};
  }
  const r = await verifier.verify(credential);
  r.checks.source = extracted.details;
  // The same credential baked in an image and served as JSON has the same digest.
  r.checks.digest = crypto.createHash('sha256').update(sortedJson(credential)).digest('hex');
  r.checks.loaded = loader.log.filter((x, i, all) => all.findIndex(y => y.url === x.url) === i);
  return {input, verified: r.verified, errors: r.errors, checks: r.checks};
}

const options = parse();
let allVerified = true;
for(const input of options.inputs) {
  let line;
  try {
    line = await verifyInput(input, options);
  } catch(e) {
    line = {input, verified: false, errors: [`verifier error: ${e.message}`], checks: {}};
  }
  allVerified &&= line.verified;
  process.stdout.write(JSON.stringify(line) + '\n');
}
process.exitCode = allVerified ? 0 : 1;
