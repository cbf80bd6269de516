/**
 * What the hub concluded about a message's XML signature. Stored with the
 * message and shown in every answer, inbox entry, tracking view and log entry.
 */
export type SignatureVerdict =
  | {
      status: 'valid';
      signer: {
        subject: string;
        serialNumber: string;
        fingerprint256: string;
        algorithm: string;
        signingTime?: string;
        organIds: string[];
      };
    }
  | { status: 'missing' }
  | { status: 'invalid'; code: string; reason: string };
