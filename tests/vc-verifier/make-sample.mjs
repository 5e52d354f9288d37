#!/usr/bin/env node
// Issues sample Open Badges 3.0 credentials WITH Digital Bazaar's libraries, to prove that
// verify.mjs works on its own, before and apart from badgegen's signer.
//
//   node make-sample.mjs <out dir>
//
// Writes <out>/site/ (a did:web DID document and a signed status list, as a built site would
// hold them), <out>/credentials/ (one file per case) and <out>/cases.json: the base URL, the
// verification date, and for each case the file, whether it must verify, and a pattern its
// errors must match. Deterministic: fixed key seeds, fixed dates.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createCredential, createList} from '@digitalbazaar/vc-bitstring-status-list';

import {OfflineLoader} from './lib/loader.mjs';
import {PNG_KEYWORD, SVG_NAMESPACE} from './lib/baked.mjs';

const out = path.resolve(process.argv[2] || usage());
function usage() {
  process.stderr.write('usage: node make-sample.mjs <out dir>\n');
  process.exit(2);
}

const BASE = 'https://issuer.example/badges/';
const DID = 'did:web:issuer.example:badges';
const NOW = '2026-11-29T12:00:00Z';
const VC2 = 'https://www.w3.org/ns/credentials/v2';
const OB3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const STATUS_URL = `${BASE}status/revocation.json`;
const REVOKED_INDEX = 7;

const site = path.join(out, 'site');
const creds = path.join(out, 'credentials');
fs.rmSync(out, {recursive: true, force: true});
fs.mkdirSync(path.join(site, 'status'), {recursive: true});
fs.mkdirSync(creds, {recursive: true});
const write = (file, data) => fs.writeFileSync(file, typeof data === 'string' || Buffer.isBuffer(data) ?
  data : JSON.stringify(data, null, 2) + '\n');

const seed = label => new Uint8Array(crypto.createHash('sha256').update(label).digest());
const keyA = await Ed25519Multikey.generate({seed: seed('sample key A'), id: `${DID}#key-1`, controller: DID});
// Same id as key A: a credential signed with it claims a key the DID document lists otherwise.
const keyB = await Ed25519Multikey.generate({seed: seed('sample key B'), id: `${DID}#key-1`, controller: DID});
// Listed in the DID document, but not under assertionMethod.
const keyC = await Ed25519Multikey.generate({seed: seed('sample key C'), id: `${DID}#key-auth`, controller: DID});

const publicOf = key => ({
  id: key.id, type: 'Multikey', controller: DID, publicKeyMultibase: key.publicKeyMultibase
});
write(path.join(site, 'did.json'), {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: DID,
  verificationMethod: [publicOf(keyA), publicOf(keyC)],
  assertionMethod: [keyA.id],
  authentication: [keyC.id]
});

const loader = new OfflineLoader({site, baseUrl: BASE});
loader.allowSiteUrl(STATUS_URL);
const {documentLoader} = loader;
const sign = async (credential, key = keyA) => vc.issue({
  credential: structuredClone(credential),
  suite: new DataIntegrityProof({
    signer: key.signer(), cryptosuite: eddsaRdfc2022CryptoSuite, date: '2026-11-01T09:00:00Z'
  }),
  documentLoader
});

// The status list: bit 7 set (the revoked sample).
const list = await createList({length: 131072});
list.setStatus(REVOKED_INDEX, true);
const statusList = await createCredential({id: STATUS_URL, list, statusPurpose: 'revocation'});
statusList.issuer = DID;
statusList.validFrom = '2026-01-01T00:00:00Z';
write(path.join(site, 'status', 'revocation.json'), await sign(statusList));

const issuer = {id: DID, type: ['Profile'], name: 'Sample issuer', url: BASE};
const status = index => ({
  id: `${STATUS_URL}#${index}`, type: 'BitstringStatusListEntry', statusPurpose: 'revocation',
  statusListIndex: String(index), statusListCredential: STATUS_URL
});
const endorsement = {
  '@context': [VC2, OB3],
  id: 'urn:uuid:6a1f0c52-4a4b-4f6e-9d4e-000000000e01',
  type: ['VerifiableCredential', 'EndorsementCredential'],
  name: 'Endorsement of the sample badge',
  issuer,
  validFrom: '2026-01-10T00:00:00Z',
  credentialSubject: {
    id: `${BASE}badges/sample/`,
    type: ['EndorsementSubject'],
    endorsementComment: 'A fair badge.'
  }
};
const signedEndorsement = await sign(endorsement);
const credential = (n, extra = {}) => ({
  '@context': [VC2, OB3],
  id: `urn:uuid:6a1f0c52-4a4b-4f6e-9d4e-00000000000${n}`,
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'Sample badge',
  issuer,
  validFrom: '2026-01-15T00:00:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [{
      type: 'IdentityObject', identityType: 'emailAddress', hashed: true,
      identityHash: 'sha256$' + crypto.createHash('sha256').update('earner@example.orgsalt').digest('hex'),
      salt: 'salt'
    }],
    achievement: {
      id: `${BASE}badges/sample/`,
      type: ['Achievement'],
      name: 'Sample achievement',
      description: 'Shows the verifier works.',
      criteria: {narrative: 'Run the tests.'},
      image: {id: `${BASE}badges/sample/image.png`, type: 'Image'},
      endorsement: [signedEndorsement]
    }
  },
  credentialStatus: status(n),
  ...extra
});

const cases = [];
const add = (name, data, expect, reason, note) => {
  write(path.join(creds, name), data);
  cases.push({file: `credentials/${name}`, expect, reason, note});
};

const valid = await sign(credential(1));
add('valid.json', valid, true, null, 'signed, listed key, status bit 0, within dates, endorsed');
add('valid.png', bakePng(valid), true, null, 'the valid credential baked in a PNG iTXt chunk');
add('valid.svg', bakeSvg(valid), true, null, 'the valid credential baked in an SVG');
const noStatus = credential(2);
delete noStatus.credentialStatus;
add('no-status.json', await sign(noStatus), true, null,
  'no credentialStatus at all: nothing to check');

const tampered = structuredClone(valid);
tampered.credentialSubject.achievement.name = 'Tampered achievement';
add('tampered.json', tampered, false, 'Invalid signature', 'a field changed after signing');
add('tampered.png', bakePng(tampered), false, 'Invalid signature', 'the tampered one, baked');

add('wrong-key.json', await sign(credential(3), keyB), false, 'Invalid signature',
  'signed with a key other than the one the DID document lists under that id');
add('not-assertion-method.json', await sign(credential(4), keyC), false,
  'not authorized by controller for proof purpose "assertionMethod"',
  'signed with a listed key that is not under assertionMethod');

const otherIssuer = credential(5, {issuer: {...issuer, id: 'did:web:other.example'}});
add('other-issuer.json', await sign(otherIssuer), false,
  'issuer must match the verification method controller',
  'the issuer named is not the controller of the signing key');

const revoked = await sign(credential(REVOKED_INDEX));
add('revoked.json', revoked, false, 'revoked', 'its status list bit is set');
add('revoked.svg', bakeSvg(revoked), false, 'revoked', 'the revoked one, baked in an SVG');

add('expired.json', await sign(credential(6, {validUntil: '2026-06-30T23:59:59Z'})), false,
  'validUntil', 'validUntil is before --now');
add('not-yet-valid.json', await sign(credential(8, {validFrom: '2027-01-01T00:00:00Z'})), false,
  'validFrom', 'validFrom is after --now');

const undefinedTerm = structuredClone(valid);
undefinedTerm.credentialSubject.favouriteColour = 'blue';
add('undefined-term.json', undefinedTerm, false, 'favouriteColour',
  'a term no context defines, added after signing: a lenient canonicalisation drops it, ' +
  'so the signature would still match; safe mode must reject it');

const unknownContext = structuredClone(valid);
unknownContext['@context'].push('https://contexts.example/extra.json');
add('unknown-context.json', unknownContext, false, 'refused to load https://contexts.example/extra.json',
  'a context URL that is neither shipped nor given: fail closed, never fetched');

const badEndorsement = structuredClone(signedEndorsement);
badEndorsement.credentialSubject.endorsementComment = 'A forged comment.';
const withBadEndorsement = credential(9);
withBadEndorsement.credentialSubject.achievement.endorsement = [badEndorsement];
add('bad-endorsement.json', await sign(withBadEndorsement), false, 'endorsement urn:uuid',
  'the credential is signed, but the endorsement it embeds was changed after its signing');

write(path.join(out, 'cases.json'), {
  site: 'site', baseUrl: BASE, now: NOW, did: DID, statusList: STATUS_URL, cases
});
process.stdout.write(`${cases.length} sample cases in ${out}\n`);

// --- baking -------------------------------------------------------------------------------

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

function bakePng(vcDoc) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0); // width
  ihdr.writeUInt32BE(1, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const pixel = zlib.deflateSync(Buffer.from([0, 0x2a, 0x6f, 0x97, 0xff]));
  const itxt = Buffer.concat([
    Buffer.from(PNG_KEYWORD, 'latin1'), Buffer.from([0, 0, 0]), // no compression
    Buffer.from([0]), Buffer.from([0]), // no language, no translated keyword
    Buffer.from(JSON.stringify(vcDoc), 'utf8')
  ]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('iTXt', itxt), chunk('IDAT', pixel), chunk('IEND', Buffer.alloc(0))
  ]);
}

function bakeSvg(vcDoc) {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${SVG_NAMESPACE}" ` +
    'width="10" height="10" viewBox="0 0 10 10">\n' +
    `<openbadges:credential><![CDATA[${JSON.stringify(vcDoc)}]]></openbadges:credential>\n` +
    '<rect width="10" height="10" fill="#2a6f97"/>\n</svg>\n';
}
