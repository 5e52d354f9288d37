// Reading the credential out of a baked Open Badges 3.0 image, with no dependency:
//   PNG: an iTXt chunk with keyword "openbadgecredential" (Open Badges 3.0, "Baking", PNG);
//   SVG: an <openbadges:credential> element, the prefix bound to https://purl.imsglobal.org/ob/v3p0.
import zlib from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const PNG_KEYWORD = 'openbadgecredential';
export const SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';

/** Every chunk of a PNG file, CRCs checked: [{type, data}]. */
export function pngChunks(bytes) {
  if(bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error('not a PNG file (bad signature)');
  }
  const chunks = [];
  let at = 8;
  while(at < bytes.length) {
    if(at + 12 > bytes.length) {
      throw new Error(`PNG truncated in a chunk header at byte ${at}`);
    }
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if(end > bytes.length) {
      throw new Error(`PNG chunk ${type} at byte ${at} runs past the end of the file`);
    }
    const data = bytes.subarray(at + 8, at + 8 + length);
    const crc = bytes.readUInt32BE(at + 8 + length);
    if(zlib.crc32(bytes.subarray(at + 4, at + 8 + length)) !== crc) {
      throw new Error(`PNG chunk ${type} at byte ${at} has a bad CRC`);
    }
    chunks.push({type, data});
    at = end;
    if(type === 'IEND') {
      break;
    }
  }
  if(!chunks.length || chunks[0].type !== 'IHDR' || chunks.at(-1).type !== 'IEND') {
    throw new Error('PNG does not start with IHDR and end with IEND');
  }
  return chunks;
}

/** An iTXt chunk's fields (PNG specification, 11.3.4.5). */
export function parseITXt(data) {
  const nul = (from) => {
    const i = data.indexOf(0, from);
    if(i === -1) {
      throw new Error('iTXt chunk is malformed (missing NUL separator)');
    }
    return i;
  };
  const k = nul(0);
  const keyword = data.toString('latin1', 0, k);
  const compressed = data[k + 1];
  const method = data[k + 2];
  const l = nul(k + 3);
  const language = data.toString('latin1', k + 3, l);
  const t = nul(l + 1);
  const translated = data.toString('utf8', l + 1, t);
  let text = data.subarray(t + 1);
  if(compressed === 1) {
    if(method !== 0) {
      throw new Error(`iTXt compression method ${method} is unknown`);
    }
    text = zlib.inflateSync(text);
  } else if(compressed !== 0) {
    throw new Error(`iTXt compression flag ${compressed} is invalid`);
  }
  return {keyword, compressed: compressed === 1, language, translated, text: text.toString('utf8')};
}

/** The credential text baked in a PNG, with what was found. */
export function extractFromPng(bytes) {
  const chunks = pngChunks(bytes);
  const found = chunks.filter(c => c.type === 'iTXt').map(c => parseITXt(c.data))
    .filter(c => c.keyword === PNG_KEYWORD);
  if(found.length === 0) {
    throw new Error(`PNG has no iTXt chunk with keyword "${PNG_KEYWORD}"`);
  }
  if(found.length > 1) {
    throw new Error(`PNG has ${found.length} iTXt chunks with keyword "${PNG_KEYWORD}"`);
  }
  return {text: found[0].text, details: {format: 'png', compressed: found[0].compressed}};
}

const XML_ENTITIES = {lt: '<', gt: '>', amp: '&', quot: '"', apos: '\''};

function unescapeXml(text) {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e) => {
    if(e[0] === '#') {
      return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
    return XML_ENTITIES[e];
  });
}

/** The credential text baked in an SVG, with what was found. */
export function extractFromSvg(text) {
  // The prefixes bound to the Open Badges 3.0 namespace anywhere in the document.
  const prefixes = [...text.matchAll(/xmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])(.*?)\2/g)]
    .filter(m => m[3] === SVG_NAMESPACE).map(m => m[1]);
  if(!prefixes.length) {
    throw new Error(`SVG binds no prefix to the Open Badges 3.0 namespace ${SVG_NAMESPACE}`);
  }
  const elements = [];
  for(const prefix of new Set(prefixes)) {
    const re = new RegExp(`<${prefix}:credential(\\s[^>]*)?>([\\s\\S]*?)</${prefix}:credential\\s*>`, 'g');
    for(const m of text.matchAll(re)) {
      elements.push({prefix, body: m[2]});
    }
  }
  if(elements.length === 0) {
    throw new Error('SVG has no <openbadges:credential> element');
  }
  if(elements.length > 1) {
    throw new Error(`SVG has ${elements.length} <openbadges:credential> elements`);
  }
  let {body} = elements[0];
  const cdata = body.match(/^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/);
  body = cdata ? cdata[1] : unescapeXml(body);
  return {text: body.trim(), details: {format: 'svg', cdata: Boolean(cdata), prefix: elements[0].prefix}};
}

/** Read any input: JSON credential, baked PNG or baked SVG (by content, not by name). */
export function extractCredential(bytes) {
  if(bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return extractFromPng(bytes);
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const start = text.trimStart()[0];
  if(start === '{') {
    return {text, details: {format: 'json'}};
  }
  if(start === '<') {
    return extractFromSvg(text);
  }
  throw new Error('input is neither a JSON credential, a PNG nor an SVG');
}
