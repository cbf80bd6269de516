/**
 * The PKI concern's public surface: what the hub, the worker, the audit log and the
 * CLI call. Everything else under src/pki is internal.
 */
export { createTrustStore, assertStrongKey, MIN_RSA_BITS, type TrustStore, type TrustStoreOptions, type CheckCertificateOptions } from './trust-store.js';
export { identityOfCertificate, ORGAN_URN_PREFIX, AUDITOR_URN_PREFIX, type CertificateIdentity } from './identity-of-certificate.js';
export { initDevPki, loadDevCa, type InitDevPkiOptions, type InitDevPkiResult, type DevPkiAgency } from './dev-pki.js';
export { devPkiLayout, resolveCertsDir, type DevPkiLayout } from './dev-pki-layout.js';
export { issuePartyCertificate, createCa, type PartyProfile, type IssuedCredential, type IssuingCa } from './issue-agency-certificate.js';
export { issueCertificate, type IssueCertificateOptions } from './issue-certificate.js';
export { buildCrl, parseCrl, type RevokedEntry, type ParsedCrl } from './crl.js';
export { verifyEdxmlSignature, type VerifyContext } from './xmldsig/verify-edxml-signature.js';
export { signEdxml, type SignEdxmlOptions } from './xmldsig/sign-edxml.js';
export type { SignatureVerdict, SignerInfo } from './xmldsig/signature-verdict.js';
export type { SignatureAlgorithmName } from './xmldsig/algorithms.js';
export { canonicalize, canonicalizeInto, type C14nOptions, type C14nKind, type ByteSink } from './xmldsig/canonicalize.js';
export { loadHubSigner, createHubSigner, type HubSigner, type HubSignerMaterial } from './receipts/hub-signer.js';
export { createCmsDetachedSignature } from './receipts/cms-detached-signature.js';
export { buildReceipt, verifyReceipt, type BuiltReceipt, type ReceiptVerification } from './receipts/receipt.js';
