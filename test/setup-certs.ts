// Runs once before the test files (tap `before`): makes the shared test certificates.
import { ensureTestCerts } from './helpers/test-certs.js';

await ensureTestCerts();
