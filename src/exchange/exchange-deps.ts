/**
 * What the exchange use cases need from the rest of the hub. Plain objects,
 * assembled once in src/hub/; the HTTP routes, the worker and the CLI share them.
 */
import type { Logger } from 'pino';
import type { HubConfig } from '../config/config.js';
import type { Db } from '../store/db.js';
import type { Agency } from '../directory/agency.js';
import type { AgencyLookup } from '../directory/agency-cache.js';
import type { EdxmlMessage } from '../edxml/types.js';
import type { XmlDocument } from '../edxml/xml/tree.js';
import type { SignatureVerdict } from '../pki/xmldsig/signature-verdict.js';
import type { HubSigner } from '../pki/receipts/hub-signer.js';
import type { RecentBodies } from './recent-bodies.js';

/** Checks the XML signature of a parsed message for the sending agency's policy. */
export interface SignatureChecker {
  check(doc: XmlDocument, message: EdxmlMessage, sender: Agency): SignatureVerdict;
  /** Checks a message the hub signed itself (console statuses, hub notices). */
  checkHubSigned(doc: XmlDocument, message: EdxmlMessage): SignatureVerdict;
}

/** Hands committed push deliveries to the queue; must never throw (the reconciler repairs misses). */
export interface DeliveryScheduler {
  schedulePush(deliveryIds: string[]): void;
}

/** Counters the use cases report (Prometheus in the hub, no-op in tools). */
export interface ExchangeMetrics {
  accepted(kind: string): void;
  rejected(code: string): void;
  acknowledged(result: string): void;
  /** One group-commit transaction: how many submissions it carried and how long it took. */
  committed(submissions: number, seconds: number): void;
  /** The bytes of one inbox page: how many came from memory (recent bodies), how many from the database. */
  inboxBodies(fromMemory: number, fromDatabase: number): void;
}

export interface ExchangeDeps {
  config: HubConfig;
  db: Db;
  /** The agency directory as the accept path reads it (cached for a few seconds). */
  agencies: AgencyLookup;
  log: Logger;
  signatures: SignatureChecker;
  scheduler: DeliveryScheduler;
  metrics: ExchangeMetrics;
  /** The bytes of messages this process accepted in the last minutes (inbox pages read them from here first). */
  recentBodies: RecentBodies;
  /** The hub's own key: receipts and the status messages it generates. */
  hubSigner: HubSigner;
  /** The same key as PEM, for XML-signing the status messages the hub generates. */
  hubSigningKeyPem: string;
  now?: () => Date;
  /**
   * Benchmarks only: `false` leaves the accept path's log entries out, to
   * measure what logging costs an accept. The hub never sets it.
   */
  logAccepts?: false;
}

export const noMetrics: ExchangeMetrics = { accepted() {}, rejected() {}, acknowledged() {}, committed() {}, inboxBodies() {} };
