/** X.509 Name and Time encoding (forge ASN.1) for the certificates and CRLs the dev PKI issues. */
import forge from 'node-forge';

const { asn1 } = forge;

/** The subject fields the hub's PKI uses. */
export interface DistinguishedName {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** Two-letter country code. */
  country?: string;
}

const OID = { country: '2.5.4.6', organization: '2.5.4.10', organizationalUnit: '2.5.4.11', commonName: '2.5.4.3' } as const;

function rdn(oid: string, value: string, printable: boolean): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
      // UTF8String so Vietnamese agency names survive; country codes must be PrintableString.
      asn1.create(asn1.Class.UNIVERSAL, printable ? asn1.Type.PRINTABLESTRING : asn1.Type.UTF8, false, forge.util.encodeUtf8(value)),
    ]),
  ]);
}

/** Name ::= SEQUENCE OF RDN, in the order C, O, OU, CN. */
export function nameToAsn1(dn: DistinguishedName): forge.asn1.Asn1 {
  const rdns: forge.asn1.Asn1[] = [];
  if (dn.country) rdns.push(rdn(OID.country, dn.country, true));
  if (dn.organization) rdns.push(rdn(OID.organization, dn.organization, false));
  if (dn.organizationalUnit) rdns.push(rdn(OID.organizationalUnit, dn.organizationalUnit, false));
  rdns.push(rdn(OID.commonName, dn.commonName, false));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, rdns);
}

/** Time ::= UTCTime (before 2050) | GeneralizedTime, as RFC 5280 requires. */
export function timeToAsn1(date: Date): forge.asn1.Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}
