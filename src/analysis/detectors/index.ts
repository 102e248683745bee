/** The registry: every detector the gate runs, in one place (a meta-test keeps it complete). */
import type { Detector } from '../detector.js';
import { encodedListMatch } from './encoded-list-match.js';
import { fingerprintExfiltration } from './fingerprint-exfiltration.js';
import { fingerprintSource } from './fingerprint-source.js';
import { hashedListMatch } from './hashed-list-match.js';
import { identityTargeting } from './identity-targeting.js';
import { installTimeDownload } from './install-time-download.js';

export const DETECTORS: readonly Detector[] = Object.freeze([
  fingerprintSource,
  identityTargeting,
  encodedListMatch,
  hashedListMatch,
  fingerprintExfiltration,
  installTimeDownload,
]);
