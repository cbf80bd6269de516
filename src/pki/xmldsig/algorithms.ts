/** The XML-DSig algorithm identifiers the hub accepts, and what each means for node:crypto. */

export const C14N_INCLUSIVE = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_INCLUSIVE_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const C14N_EXCLUSIVE = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const C14N_EXCLUSIVE_WITH_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** A canonicalization algorithm: which kind and whether comments are kept. */
export interface C14nMethod {
  kind: 'inclusive' | 'exclusive';
  withComments: boolean;
}

export const C14N_METHODS: ReadonlyMap<string, C14nMethod> = new Map([
  [C14N_INCLUSIVE, { kind: 'inclusive', withComments: false }],
  [C14N_INCLUSIVE_WITH_COMMENTS, { kind: 'inclusive', withComments: true }],
  [C14N_EXCLUSIVE, { kind: 'exclusive', withComments: false }],
  [C14N_EXCLUSIVE_WITH_COMMENTS, { kind: 'exclusive', withComments: true }],
  // Not a W3C identifier, but the one the national VPCP SDK and BKAV write for exclusive C14N.
  ['http://www.w3.org/TR/xml-exc-c14n#', { kind: 'exclusive', withComments: false }],
]);

/** Short names of the signature algorithms, as `signEdxml` takes them and verdicts report them. */
export type SignatureAlgorithmName = 'rsa-sha1' | 'rsa-sha256' | 'rsa-sha384' | 'rsa-sha512' | 'ecdsa-sha256' | 'ecdsa-sha384' | 'ecdsa-sha512';

export interface SignatureMethod {
  name: SignatureAlgorithmName;
  uri: string;
  keyType: 'rsa' | 'ec';
  hash: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** SHA-1 based: only where the agency's policy allows legacy algorithms. */
  legacy: boolean;
}

const MORE = 'http://www.w3.org/2001/04/xmldsig-more#';
const SIGNATURE_LIST: SignatureMethod[] = [
  { name: 'rsa-sha1', uri: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', keyType: 'rsa', hash: 'sha1', legacy: true },
  { name: 'rsa-sha256', uri: `${MORE}rsa-sha256`, keyType: 'rsa', hash: 'sha256', legacy: false },
  { name: 'rsa-sha384', uri: `${MORE}rsa-sha384`, keyType: 'rsa', hash: 'sha384', legacy: false },
  { name: 'rsa-sha512', uri: `${MORE}rsa-sha512`, keyType: 'rsa', hash: 'sha512', legacy: false },
  { name: 'ecdsa-sha256', uri: `${MORE}ecdsa-sha256`, keyType: 'ec', hash: 'sha256', legacy: false },
  { name: 'ecdsa-sha384', uri: `${MORE}ecdsa-sha384`, keyType: 'ec', hash: 'sha384', legacy: false },
  { name: 'ecdsa-sha512', uri: `${MORE}ecdsa-sha512`, keyType: 'ec', hash: 'sha512', legacy: false },
];

export const SIGNATURE_METHODS_BY_URI: ReadonlyMap<string, SignatureMethod> = new Map(SIGNATURE_LIST.map((m) => [m.uri, m]));
export const SIGNATURE_METHODS_BY_NAME: ReadonlyMap<string, SignatureMethod> = new Map(SIGNATURE_LIST.map((m) => [m.name, m]));

export interface DigestMethod {
  uri: string;
  hash: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  legacy: boolean;
}

const DIGEST_LIST: DigestMethod[] = [
  { uri: 'http://www.w3.org/2000/09/xmldsig#sha1', hash: 'sha1', legacy: true },
  { uri: 'http://www.w3.org/2001/04/xmlenc#sha256', hash: 'sha256', legacy: false },
  { uri: `${MORE}sha384`, hash: 'sha384', legacy: false },
  { uri: 'http://www.w3.org/2001/04/xmlenc#sha512', hash: 'sha512', legacy: false },
];

export const DIGEST_METHODS_BY_URI: ReadonlyMap<string, DigestMethod> = new Map(DIGEST_LIST.map((m) => [m.uri, m]));
export const DIGEST_METHODS_BY_HASH: ReadonlyMap<string, DigestMethod> = new Map(DIGEST_LIST.map((m) => [m.hash, m]));
