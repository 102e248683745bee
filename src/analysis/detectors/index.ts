/** The registry: every detector the gate runs, in one place (a meta-test keeps it complete). */
import type { Detector } from '../detector.js';
import { fingerprintSource } from './fingerprint-source.js';

export const DETECTORS: readonly Detector[] = Object.freeze([fingerprintSource]);
